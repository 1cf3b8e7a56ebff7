// A story as the rows the portal itself would have left: the request with the moment of every
// step and its status, and each appointment with its outcome (as the appointment page records
// it: a cancel by staff is an outcome, a cancel by the resident is not).
import type { Insertable } from 'kysely';
import type { AppointmentTable, RequestStatus, RequestTable } from '../schema.js';
import { hashToken } from '../../domain/tokens.js';
import { CONVERSATION_MINUTES, type Story, type StoryAppointment } from './history-model.js';

const DAY = 86_400_000;

/** The organisation a seeded referrer of each kind works for. */
export const ORGANISATIONS: Record<string, string> = {
  huisarts: 'Huisartsenpraktijk De Linde',
  poh_ggz: 'Huisartsenpraktijk De Linde',
  jeugdarts: 'GGD Gelderland-Midden',
  school: 'Basisschool De Wielewaal',
  wijkverpleging: 'Thuiszorg Arnhem',
  veilig_thuis: 'Veilig Thuis Gelderland-Midden',
  woningcorporatie: 'Woonstichting Arnhem',
  other: 'Stichting Buurtwerk',
};

/** The request's status as the story leaves it. */
export function statusOf(s: Story): RequestStatus {
  if (s.withdrawn) return 'cancelled';
  if (s.closedAt) return 'closed';
  if (s.appointments.some((a) => a.outcome === 'held')) return 'held';
  if (s.appointments.some((a) => a.outcome === null)) return 'scheduled';
  if (s.callbackRequested && !s.callbackDoneAt) return 'callback';
  return 'new';
}

/** When a withdrawn story ended when it does not say: its last cancel, else its sign-up. */
function endOf(s: Story): Date {
  if (s.closedAt) return s.closedAt;
  const cancels = s.appointments.flatMap((a) => (a.cancelledAt ? [a.cancelledAt] : []));
  return cancels.length ? new Date(Math.max(...cancels.map((d) => d.getTime()))) : s.submittedAt;
}

/** Checks what the database would refuse later with a less helpful message. */
export function checkStory(s: Story, i: number, all: Story[]): void {
  if (s.appointments.filter((a) => a.outcome === null).length > 1) {
    throw new Error(`history: story ${i} has more than one booked appointment`);
  }
  for (const ref of [s.sameResidentAs, s.returningOf]) {
    if (ref !== undefined && !(ref >= 0 && ref < i)) throw new Error(`history: story ${i} refers to a later story`);
  }
  if (!s.resident && s.sameResidentAs === undefined) throw new Error(`history: story ${i} has no resident`);
  if (s.callbackDoneAt && !s.callbackRequested) throw new Error(`history: story ${i} was called back unasked`);
  if (s.returningOf !== undefined && !all[s.returningOf]!.closedAt && !all[s.returningOf]!.withdrawn) {
    throw new Error(`history: story ${i} returns after a story that did not end`);
  }
}

/** Days from the end of the earlier story to this sign-up (whole days, never below 0). */
export function daysSince(earlier: Story, s: Story): number {
  return Math.max(0, Math.floor((s.submittedAt.getTime() - endOf(earlier).getTime()) / DAY));
}

export function requestRow(
  s: Story,
  ids: { residentId: number; referrerId: number | null; questionOf: (s: Story) => string },
): Insertable<RequestTable> {
  const held = s.appointments.filter((a) => a.outcome === 'held').sort((a, b) => +a.startsAt - +b.startsAt)[0];
  const first = [...s.appointments].sort((a, b) => +a.createdAt - +b.createdAt)[0];
  const status = statusOf(s);
  return {
    resident_id: ids.residentId,
    team_id: s.teamId,
    referrer_id: ids.referrerId,
    channel: s.channel,
    question: ids.questionOf(s),
    urgent_24h: s.urgent ?? false,
    status,
    consent_processing_at: s.submittedAt,
    consent_referrer_form: ids.referrerId === null ? null : 'spoken',
    consent_referrer_at: ids.referrerId === null ? null : s.submittedAt,
    submitted_at: s.submittedAt,
    assigned_at: s.submittedAt,
    scheduled_at: first?.createdAt ?? null,
    first_contact_at: s.callbackDoneAt ?? held?.startsAt ?? null,
    callback_requested_at: s.callbackRequested ? s.submittedAt : null,
    callback_done_at: s.callbackDoneAt ?? null,
    plan_at: s.planAt ?? null,
    closed_at: status === 'cancelled' ? endOf(s) : (s.closedAt ?? null),
    returning_resident: s.returningOf !== undefined,
  };
}

export function appointmentRow(
  a: StoryAppointment,
  ids: { requestId: number; blockId: number; token: string },
): Insertable<AppointmentTable> {
  const ends = new Date(a.startsAt.getTime() + CONVERSATION_MINUTES * 60_000);
  const cancelled = a.outcome === 'cancelled';
  const byStaff = cancelled && a.cancelledBy === 'staff';
  const cancelledAt = cancelled ? (a.cancelledAt ?? a.startsAt) : null;
  return {
    request_id: ids.requestId,
    block_id: ids.blockId,
    starts_at: a.startsAt,
    ends_at: ends,
    status: a.outcome ?? 'booked',
    manage_token_hash: hashToken(ids.token),
    created_at: a.createdAt,
    cancelled_at: cancelledAt,
    cancel_reason: cancelled && !byStaff ? 'Past toch niet' : null,
    outcome: byStaff ? 'cancelled' : a.outcome === 'held' || a.outcome === 'no_show' ? a.outcome : null,
    outcome_at: byStaff ? cancelledAt : a.outcome === 'held' || a.outcome === 'no_show' ? ends : null,
    result: a.outcome === 'held' ? (a.result ?? null) : null,
  };
}
