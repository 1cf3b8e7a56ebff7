// Requests built by hand for the figures tests, so every answer is known by construction. All times
// are local (Europe/Amsterdam); the tests pass their own `now`.
import { DateTime } from 'luxon';
import type { RequestFacts, Result } from '../../src/domain/figures-model.js';

export const ZONE = 'Europe/Amsterdam';
export const at = (iso: string) => DateTime.fromISO(iso, { zone: ZONE }).toJSDate();
/** `days` local dates before `iso`, at the given local time. */
export const daysBefore = (iso: string, days: number, time = '09:00') =>
  DateTime.fromISO(iso, { zone: ZONE })
    .minus({ days })
    .set({ hour: Number(time.slice(0, 2)), minute: Number(time.slice(3, 5)) })
    .toJSDate();

let nextId = 1;

export function fact(fields: Partial<RequestFacts> & { submittedAt: Date }): RequestFacts {
  const id = fields.id ?? nextId++;
  return {
    id,
    teamId: 1,
    residentId: 10_000 + id,
    channel: 'online',
    returning: false,
    referrerKind: null,
    urgent: false,
    callbackRequestedAt: null,
    callbackDoneAt: null,
    firstBookedAt: null,
    firstConversationAt: null,
    firstResult: null,
    planAt: null,
    closedAt: null,
    withdrawn: false,
    noShowsAt: [],
    cancellationsAt: [],
    ...fields,
  };
}

/**
 * Ten first conversations on Friday 20 March 2026, 10:00, signed up `d` local dates before (09:00):
 * calendar days 0, 3, 7, 8, 10, 14, 15, 21, 22, 30; in working days (no holidays in February and
 * March 2026) 0, 3, 5, 6, 8, 10, 11, 15, 16, 22. The two longest had a call-back: the 22-day one
 * on Friday 27 February (contact: 21 calendar days, 15 working days), the 30-day one on Wednesday
 * 25 February (contact: 23 calendar days, 17 working days). Seven of them signed up in March.
 * Plus: two March sign-ups without a conversation, one March sign-up whose conversation is in April,
 * and one conversation on the last evening of February.
 */
export function waitingFacts(): RequestFacts[] {
  const conversation = at('2026-03-20T10:00');
  const ds = [0, 3, 7, 8, 10, 14, 15, 21, 22, 30];
  const results: (Result | null)[] = [
    'solved',
    'solved',
    'solved',
    'solved',
    'advice_only',
    'advice_only',
    'plan_made',
    'support_continues',
    null,
    null,
  ];
  const callbacks: Record<number, Date> = { 22: at('2026-02-27T10:00'), 30: at('2026-02-25T10:00') };
  const ten = ds.map((d, i) => {
    const submittedAt = daysBefore('2026-03-20', d);
    const call = callbacks[d] ?? null;
    return fact({
      submittedAt,
      firstConversationAt: conversation,
      firstResult: results[i]!,
      callbackRequestedAt: call ? submittedAt : null,
      callbackDoneAt: call,
    });
  });
  return [
    ...ten,
    fact({ submittedAt: at('2026-03-25T10:00') }),
    fact({ submittedAt: at('2026-03-26T10:00'), channel: 'phone' }),
    fact({ submittedAt: at('2026-03-30T10:00'), firstConversationAt: at('2026-04-01T09:00') }),
    fact({ submittedAt: at('2026-02-20T10:00'), firstConversationAt: at('2026-02-28T23:30') }),
  ];
}
