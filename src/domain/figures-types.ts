// The names and shape of the figures (see figures.ts for how they are computed).
import type { InflowChannel, RequestFacts, Result } from './figures-model.js';
import type { Recidive } from './figures-recidive.js';
import type { Spread } from './figures-stats.js';

export const CHANNELS = ['self', 'referrer', 'frontoffice', 'return'] as const satisfies readonly InflowChannel[];
export const REFERRER_KINDS = [
  'huisarts',
  'poh_ggz',
  'jeugdarts',
  'school',
  'wijkverpleging',
  'veilig_thuis',
  'woningcorporatie',
  'other',
] as const;
export type ReferrerKind = (typeof REFERRER_KINDS)[number];
/** Waiting time in days, grouped for a chart: 0–7, 8–14, 15–21, 22–28, 29 and more. */
export const WAITING_BUCKETS = ['0-7', '8-14', '15-21', '22-28', '29plus'] as const;
export type WaitingBucket = (typeof WAITING_BUCKETS)[number];

export interface Figures {
  /**
   * Sign-ups: requests with submittedAt in the period, per channel (inflowChannel) and, for channel
   * 'referrer' (so not returning), per referrer kind; a missing or unknown kind counts as 'other'.
   */
  inflow: { total: number; channel: Record<InflowChannel, number>; referrer: Record<ReferrerKind, number> };
  /**
   * Waiting time in days (countDays with the definition's kind of days) from the start (sign-up, or
   * first contact: the call-back if there was one, else the sign-up) to the first conversation, over
   * the requests whose first conversation lies in the period. within14/within21: at most 14/21 days;
   * the shares are those counts divided by n; buckets: 0–7, 8–14, 15–21, 22–28, 29+ days.
   */
  waiting: Spread & {
    within14: number;
    within21: number;
    within14share: number | null;
    within21share: number | null;
    buckets: Record<WaitingBucket, number>;
  };
  /**
   * Lead time: days (the definition's kind) from the first conversation to the plan, over the
   * requests with planAt in the period and a first conversation; a plan before the conversation is 0.
   */
  leadtime: Spread;
  /** What the first conversation led to, over the same requests as waiting time; 'none': no result registered. */
  outcomes: { n: number; result: Record<Result | 'none', number> };
  /** Appointments in the period the resident did not come to (by the appointment's start). */
  noshows: number;
  /** Appointments cancelled in the period (by the moment of cancelling), in total and by whom. */
  cancellations: { total: number; resident: number; staff: number };
  /** Sign-ups in the period of residents who came back with a new question. */
  returning: number;
  /** Return after closure, see figures-recidive.ts. */
  recidive: Recidive;
  /**
   * Call-backs asked for in the period, and how many of those took place; urgent sign-ups in the
   * period, how many were called, the median hours from sign-up to call-back over those called,
   * and how many were called within 24 hours (base: every urgent sign-up; not called is not within 24 h).
   */
  callbacks: {
    requested: number;
    done: number;
    urgent: number;
    urgentCalled: number;
    urgentMedianHours: number | null;
    urgentWithin24: number;
    urgentWithin24share: number | null;
  };
}

/** The channel a sign-up is counted under: a returning resident first, then how they came in. */
export function inflowChannel(f: RequestFacts): InflowChannel {
  if (f.returning) return 'return';
  if (f.channel === 'online') return 'self';
  if (f.channel === 'referrer') return 'referrer';
  return 'frontoffice';
}
