// The portal's errors, in one catalogue. Every error the portal raises on purpose has a code
// here, made with @fastify/error's createError as fastify's own lib/errors.js does, and a line
// saying when it is raised and what the user sees. Services throw them with ktError(code, …);
// a route that answers one itself (its form again, with the user's input) tests the code with
// isKtError; every other one ends in plugins/errors.ts, whose table gives each code its status
// and page, so none of them is ever a 500.
import createError from '@fastify/error';
import type { Slot } from './domain/slots.js';

const codes = {
  // General answers. A page, record or link that does not exist, or is another team's:
  // the "page does not exist" page.
  KT_NOT_FOUND: createError('KT_NOT_FOUND', 'not found', 404),
  // Not logged in, a role without access, or not the coach or team lead of the record: the
  // "not allowed" page.
  KT_FORBIDDEN: createError('KT_FORBIDDEN', 'forbidden', 403),
  // A link used before or expired, an appointment that is over: the "link no longer works" page.
  KT_GONE: createError('KT_GONE', 'gone', 410),
  // The record changed meanwhile (a request already has a team, a call-back already recorded):
  // a page saying so; nothing was saved.
  KT_CONFLICT: createError('KT_CONFLICT', 'conflict', 409),
  // A NUL byte, a lone surrogate, a field sent twice or a body that is no form (plugins/input.ts):
  // a page naming the field, with a link back to the form.
  KT_BAD_INPUT: createError('KT_BAD_INPUT', 'bad input', 400),

  // Booking a time (core/booking-rule.ts). Someone else took the time just now (on behalf:
  // or it can no longer be booked): the check, reschedule or on-behalf form again with the
  // nearest free times.
  KT_SLOT_TAKEN: createError('KT_SLOT_TAKEN', 'slot taken', 409),
  // The time may not be booked (block gone or cancelled, outside the booking window, the
  // appointment to move no longer booked): the page again with other free times.
  KT_SLOT_UNAVAILABLE: createError('KT_SLOT_UNAVAILABLE', 'slot unavailable', 409),
  // The front office chose a team that does not exist (queue): the queue with that field marked.
  KT_UNKNOWN_TEAM: createError('KT_UNKNOWN_TEAM', 'unknown team', 400),

  // Blocks and absence (features/blocks, features/absence). A coach is already in another block
  // then: the block form again, naming that block, with the values kept.
  KT_BLOCK_CONFLICT: createError('KT_BLOCK_CONFLICT', 'block overlaps another block', 409),
  // Booked appointments would fall outside the block's new times: the form again, listing them.
  KT_APPOINTMENTS_OUTSIDE: createError('KT_APPOINTMENTS_OUTSIDE', 'appointments outside the block', 409),
  // A later block of a series has no such local time (the clocks go forward that night): the
  // form again with the start time marked.
  KT_TIME_GAP: createError('KT_TIME_GAP', 'no such local time', 400),
  // The blocks, their coaches or their bookings changed since the page was shown (a block
  // cancelled, a booking came in): the cancel or absence page again with "something changed,
  // check the choices"; from the block form, a page saying so.
  KT_BLOCKS_CHANGED: createError('KT_BLOCKS_CHANGED', 'blocks changed meanwhile', 409),
  // The free time proposed for an appointment was just taken or is no longer free: the page
  // again with a new proposal for that appointment.
  KT_REHOME_TAKEN: createError('KT_REHOME_TAKEN', 'proposed time not free', 409),

  // Actions on an appointment or request (features/appointments, features/returning): the
  // page again with the message at its field. Input that does not fit the record:
  KT_ACTION_REFUSED: createError('KT_ACTION_REFUSED', 'action refused', 400),
  // Not for this person (a safety-flagged request is closed by a team lead only):
  KT_ACTION_FORBIDDEN: createError('KT_ACTION_FORBIDDEN', 'action not allowed', 403),
  // The record is no longer in the state the action needs (already closed, no longer booked):
  KT_ACTION_CONFLICT: createError('KT_ACTION_CONFLICT', 'action conflicts with the record', 409),
};

export type KtCode = keyof typeof codes;

/** Every code of the catalogue. */
export const KT_CODES = Object.keys(codes) as KtCode[];

/** A coach's other block at that time, as the block and absence forms name it. */
export interface BlockConflict {
  blockId: number;
  coachId: number;
  coachName: string;
  starts_at: Date;
  ends_at: Date;
  /** The other coaches of the conflicting block (empty: a solo block). */
  partners: string[];
}

/** An action's message: a locale key shown at a field of the page. */
export interface ActionDetails {
  field: string;
  key: string;
}

/** What an error of a code carries for the route that answers it; codes not listed carry nothing. */
export interface KtDetails {
  KT_BAD_INPUT: { field: string | null; problem: 'character' | 'repeated' | 'shape' };
  /** The nearest free times to offer instead. */
  KT_SLOT_TAKEN: { alternatives: readonly Slot[] };
  /** Null when the other block could not be found again (it changed meanwhile). */
  KT_BLOCK_CONFLICT: { conflict: BlockConflict | null };
  KT_APPOINTMENTS_OUTSIDE: { appointments: readonly { starts_at: Date; ends_at: Date }[] };
  KT_REHOME_TAKEN: { appointmentId: number };
  KT_ACTION_REFUSED: ActionDetails;
  KT_ACTION_FORBIDDEN: ActionDetails;
  KT_ACTION_CONFLICT: ActionDetails;
}

type DetailsOf<C extends KtCode> = C extends keyof KtDetails ? KtDetails[C] : undefined;

/** An error of the catalogue; `code` tells which (one type per code, so a check on it narrows). */
export type KtError<C extends KtCode = KtCode> = C extends KtCode
  ? createError.FastifyError & { readonly code: C; readonly statusCode: number; readonly details: DetailsOf<C> }
  : never;

type KtArgs<C extends KtCode> =
  DetailsOf<C> extends undefined ? [reason?: string] : [details: DetailsOf<C>, reason?: string];

/**
 * A new error of the catalogue: ktError('KT_NOT_FOUND', 'no such block'),
 * ktError('KT_SLOT_TAKEN', { alternatives }). The reason goes into the message, for the log;
 * users only ever see the page for the code.
 */
export function ktError<C extends KtCode>(code: C, ...args: KtArgs<C>): KtError<C> {
  const [details, reason] = typeof args[0] === 'object' ? args : [undefined, args[0]];
  const err = new codes[code]();
  if (reason) err.message = `${err.message}: ${reason}`;
  // The stack starts where the caller threw it, with the whole message.
  Error.captureStackTrace(err, ktError);
  return Object.assign(err, { details }) as unknown as KtError<C>;
}

/**
 * True when `err` is an error of the catalogue with one of the codes (any code when none are
 * given), narrowing it to that code's type: the test that replaces `instanceof`.
 */
export function isKtError<C extends KtCode = KtCode>(err: unknown, ...wanted: C[]): err is KtError<C> {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !Object.hasOwn(codes, code)) return false;
  // Made by createError for this code, not an object that merely has such a code property.
  if (!(err instanceof codes[code as KtCode])) return false;
  return wanted.length === 0 || (wanted as string[]).includes(code);
}

const generalCodes = {
  not_found: 'KT_NOT_FOUND',
  forbidden: 'KT_FORBIDDEN',
  conflict: 'KT_CONFLICT',
  gone: 'KT_GONE',
} as const;
export type DomainErrorCode = keyof typeof generalCodes;
type GeneralCode = (typeof generalCodes)[DomainErrorCode];

/**
 * @deprecated The older spelling of the four general codes: `new DomainError('not_found', why)`
 * is `ktError('KT_NOT_FOUND', why)`, and makes that same catalogue error. Kept for the callers
 * not yet moved to ktError.
 */
export const DomainError = function DomainError(code: DomainErrorCode, reason: string) {
  return ktError(generalCodes[code], reason);
} as unknown as new (code: DomainErrorCode, reason: string) => KtError<GeneralCode>;

/** True when PostgreSQL refused a row because of an exclusion, unique or check constraint. */
export function isConstraintViolation(err: unknown, constraint?: string): boolean {
  const e = err as { code?: string; constraint?: string } | null;
  if (!e || (e.code !== '23P01' && e.code !== '23505' && e.code !== '23514')) return false;
  return constraint === undefined || e.constraint === constraint;
}

/** A numeric id from the URL; anything else is a page that does not exist. */
export function idParam(v: string | undefined): number {
  if (!v || !/^[1-9][0-9]{0,8}$/.test(v)) throw ktError('KT_NOT_FOUND', 'malformed id');
  return Number(v);
}

const LOST_CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);
const LOST_CONNECTION_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'is not queryable',
  'Cannot use a pool after calling end',
  'PGlite is closed',
  'driver has already been destroyed',
];

/**
 * True when the database could not be reached or dropped the connection (restart, failover,
 * network): the request may succeed when tried again, so it answers 503, not 500. SQLSTATE class
 * 08 is "connection exception"; 57P01–57P03 are a shutting down or starting server; 53300 is
 * "too many connections".
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown; errors?: unknown } | null;
  if (!e || typeof e !== 'object') return false;
  const code = typeof e.code === 'string' ? e.code : '';
  if (
    LOST_CONNECTION_CODES.has(code) ||
    code.startsWith('08') ||
    code === '57P01' ||
    code === '57P02' ||
    code === '57P03' ||
    code === '53300'
  ) {
    return true;
  }
  const message = typeof e.message === 'string' ? e.message : '';
  return LOST_CONNECTION_MESSAGES.some((m) => message.includes(m));
}
