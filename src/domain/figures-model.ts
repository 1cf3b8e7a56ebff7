// The shapes the figures for team leads and the council are computed from and shown as. The facts
// are one row per request, read from the timestamps every step leaves (features/figures reads
// them); domain/figures.ts computes the fixed set from them; the page, the charts and every export
// show the same rows (FigureRow), so they cannot disagree.

/** How a sign-up came in, as the figures name it. */
export type InflowChannel = 'self' | 'referrer' | 'frontoffice' | 'return';

/** What the first conversation led to (appointment.result of the first one held). */
export const RESULTS = ['solved', 'advice_only', 'plan_made', 'support_continues', 'referred_on'] as const;
export type Result = (typeof RESULTS)[number];

/** One request with the moment of every step it went through; null: the step did not happen (or is not known). */
export interface RequestFacts {
  id: number;
  teamId: number | null;
  /** The resident (to find a later sign-up of the same person). */
  residentId: number;
  /** request.channel as stored. */
  channel: 'online' | 'referrer' | 'phone' | 'walkin';
  /** Came back with a new question (via /opnieuw or recognised as returning). */
  returning: boolean;
  /** referrer.kind (huisarts, school, ...) when a referrer signed up. */
  referrerKind: string | null;
  /** The resident asked to be called within 24 hours. */
  urgent: boolean;
  submittedAt: Date;
  /** A call-back was asked for (the sign-up said "call me"), and when. */
  callbackRequestedAt: Date | null;
  /** The call-back took place. */
  callbackDoneAt: Date | null;
  /** The first appointment was made. */
  firstBookedAt: Date | null;
  /** Start of the first conversation that took place. */
  firstConversationAt: Date | null;
  /** The result registered for that conversation (null: not registered). */
  firstResult: Result | null;
  /** The plan was made. */
  planAt: Date | null;
  /** The request was closed (status closed) or withdrawn (status cancelled). */
  closedAt: Date | null;
  withdrawn: boolean;
  /** Starts of appointments the resident did not come to. */
  noShowsAt: Date[];
  /** Appointments cancelled: when, and by whom. */
  cancellationsAt: { at: Date; by: 'resident' | 'staff' }[];
}

/** How waiting time is counted: from the sign-up or from the first contact; calendar or working days. */
export interface WaitingDefinition {
  from: 'signup' | 'contact';
  days: 'calendar' | 'working';
}

/** A half-open period [from, to) of whole local days (Europe/Amsterdam). */
export interface Period {
  from: Date;
  to: Date;
}

export type FigureUnit = 'count' | 'days' | 'hours' | 'share';

/** One figure as every view and export shows it; the same list for the page, CSV, XLSX and JSON. */
export interface FigureRow {
  /** Stable key, e.g. 'inflow.total', 'inflow.channel.self', 'waiting.median'; its label is figures.rows.<key>. */
  key: string;
  /** The group it belongs to (its definition is figures.definitions.<group>). */
  group: string;
  unit: FigureUnit;
  /** null when suppressed or when there is nothing to compute it from. */
  value: number | null;
  /** A count under 5, or a median/percentile/share computed over fewer than 5: shown as "< 5". */
  suppressed: boolean;
  /** The same figure over the previous period of the same length. */
  previous: number | null;
  previousSuppressed: boolean;
}

/** Whose figures: one team, or every team of the municipality together. */
export type FigureScope = { kind: 'team'; teamId: number; name: string } | { kind: 'municipality'; name: string };

/** Everything a view or export of the figures shows. */
export interface FigureReport {
  rows: FigureRow[];
  period: Period;
  previous: Period;
  scope: FigureScope;
  definition: WaitingDefinition;
  generatedAt: Date;
}
