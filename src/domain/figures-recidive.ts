// Return after closure (recidive, DOMAIN.md 004): of the requests closed in the period (not
// withdrawn), how many residents signed up again within 6 and within 12 months.
import type { Period, RequestFacts } from './figures-model.js';
import { inPeriod } from './figures-periods.js';
import { share } from './figures-stats.js';
import { plusLocalMonths } from './figures-days.js';

/** Return after closure within 6 and 12 months. */
export interface Recidive {
  /** Requests closed in the period, not withdrawn. */
  closed: number;
  /** Of those, the ones closed at least 6 months before now: only those can be judged. */
  base6: number;
  /** Of base6, the ones whose resident signed up again within 6 months after the closure. */
  returned6: number;
  share6: number | null;
  base12: number;
  returned12: number;
  share12: number | null;
}

type Submissions = Map<number, { id: number; at: number }[]>;

/** Every resident's sign-ups, sorted by time. */
function submissionsByResident(facts: RequestFacts[]): Submissions {
  const byResident: Submissions = new Map();
  for (const f of facts) {
    let list = byResident.get(f.residentId);
    if (!list) byResident.set(f.residentId, (list = []));
    list.push({ id: f.id, at: f.submittedAt.getTime() });
  }
  for (const list of byResident.values()) list.sort((a, b) => a.at - b.at);
  return byResident;
}

/** Whether the resident has another request submitted in (after, until]. */
function signedUpAgain(list: { id: number; at: number }[], self: number, after: number, until: number): boolean {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]!.at <= after) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < list.length && list[i]!.at <= until; i += 1) {
    if (list[i]!.id !== self) return true;
  }
  return false;
}

/**
 * Over the requests with closedAt in the period and withdrawn = false: for 6 months, the base is
 * those whose closedAt + 6 calendar months (local time, see plusLocalMonths) is at or before `now`; returned is those of
 * the base whose resident has another request with submittedAt after closedAt and at or before
 * closedAt + 6 months. The same for 12 months. Later sign-ups may lie after the period: `facts` must
 * hold them too.
 */
export function recidive(facts: RequestFacts[], period: Period, now: Date): Recidive {
  const closed = facts.filter((f) => !f.withdrawn && inPeriod(f.closedAt, period));
  const byResident = submissionsByResident(facts);
  const nowMs = now.getTime();
  const r = { closed: closed.length, base6: 0, returned6: 0, base12: 0, returned12: 0 };
  for (const f of closed) {
    const list = byResident.get(f.residentId) ?? [];
    const closedAt = f.closedAt!.getTime();
    const until6 = plusLocalMonths(f.closedAt!, 6);
    if (until6 > nowMs) continue;
    r.base6 += 1;
    if (signedUpAgain(list, f.id, closedAt, until6)) r.returned6 += 1;
    const until12 = plusLocalMonths(f.closedAt!, 12);
    if (until12 > nowMs) continue;
    r.base12 += 1;
    if (signedUpAgain(list, f.id, closedAt, until12)) r.returned12 += 1;
  }
  return { ...r, share6: share(r.returned6, r.base6), share12: share(r.returned12, r.base12) };
}
