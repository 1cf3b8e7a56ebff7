// A seeded history of requests (the figures page needs months of them): residents, referrers,
// requests with the moment of every step, past blocks of the teams' duos and the appointments in
// them, written a few hundred rows per statement. The stories are plain data (history-model.ts):
// written as told here, invented by history-stories.ts.
import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { periodLiteral } from '../period.js';
import { questions } from './demo-data.js';
import { CONVERSATION_MINUTES, type HistoryDuo, type Story } from './history-model.js';
import { Planner, type Place } from './history-places.js';
import { appointmentRow, checkStory, daysSince, ORGANISATIONS, requestRow } from './history-rows.js';
import { planHistory } from './history-stories.js';
import { capacitySnapshots, insertCapacity } from './history-capacity.js';
import { seededDice } from './random.js';
import { insertAsJson } from './history-json.js';

export type { HistoryDuo, LatePeriod, Result, Story, StoryAppointment } from './history-model.js';
export { historyStories, planHistory } from './history-stories.js';
export { capacitySnapshots, insertCapacity } from './history-capacity.js';

/** Rows per statement: few round trips, well under PostgreSQL's 65,535 parameters (JSON: one). */
const CHUNK = 400;
const JSON_CHUNK = 2000;

async function inChunks<T, R>(rows: T[], write: (part: T[]) => Promise<R[]>, size = CHUNK): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < rows.length; i += size) out.push(...(await write(rows.slice(i, i + size))));
  return out;
}

/** Ids in the order written, checked against a column that came back with them. */
function inOrder<T>(written: T[], back: { id: number; check: T }[], what: string): number[] {
  return back.map((r, i) => {
    if (r.check !== written[i]) throw new Error(`history: ${what} came back in another order than written`);
    return r.id;
  });
}

async function insertResidents(db: Kysely<Database>, stories: Story[]): Promise<number[]> {
  const fresh = stories.flatMap((s, i) => (s.resident ? [{ i, r: s.resident }] : []));
  const ids = await inChunks(fresh, async (part) => {
    const back = await db
      .insertInto('resident')
      .values(
        part.map(({ r }) => ({
          name: r.name,
          email: r.email ?? null,
          phone: r.phone ?? (r.email ? null : '06 00000000'),
          postcode: r.postcode ?? null,
          city: 'Arnhem',
        })),
      )
      .returning(['id', 'name'])
      .execute();
    return inOrder(
      part.map((p) => p.r.name),
      back.map((b) => ({ id: b.id, check: b.name })),
      'residents',
    );
  });
  const of: number[] = new Array<number>(stories.length);
  fresh.forEach((f, j) => (of[f.i] = ids[j]!));
  stories.forEach((s, i) => {
    if (!s.resident) of[i] = of[s.sameResidentAs!]!;
  });
  return of;
}

async function insertReferrers(db: Kysely<Database>, stories: Story[]): Promise<(number | null)[]> {
  const asked = stories.flatMap((s, i) => (s.referrerKind ? [{ i, kind: s.referrerKind }] : []));
  const ids = await inChunks(asked, async (part) => {
    const back = await db
      .insertInto('referrer')
      .values(
        part.map(({ kind }) => ({
          kind,
          organisation: ORGANISATIONS[kind] ?? ORGANISATIONS.other!,
          name: 'Verwijzer',
          email: `${kind.replace('_', '-')}@verwijzer.example.nl`,
        })),
      )
      .returning(['id', 'kind'])
      .execute();
    return inOrder(
      part.map((p) => p.kind),
      back.map((b) => ({ id: b.id, check: b.kind })),
      'referrers',
    );
  });
  const of: (number | null)[] = stories.map(() => null);
  asked.forEach((a, j) => (of[a.i] = ids[j]!));
  return of;
}

async function insertRequests(
  db: Kysely<Database>,
  stories: Story[],
  residentIds: number[],
  referrerIds: (number | null)[],
): Promise<number[]> {
  const questionOf = (s: Story) => questions[Math.floor(s.submittedAt.getTime() / 60_000) % questions.length]!;
  const rows = stories.map((s, i) =>
    requestRow(s, { residentId: residentIds[i]!, referrerId: referrerIds[i]!, questionOf }),
  );
  const ids = await inChunks(
    rows,
    async (part) => {
      const back = await insertAsJson(db, 'request', part as Record<string, unknown>[], 'resident_id');
      return inOrder(
        part.map((p) => p.resident_id),
        back,
        'requests',
      );
    },
    JSON_CHUNK,
  );
  // The link to the request before, once both have their ids.
  const links = stories.flatMap((s, i) =>
    s.returningOf === undefined
      ? []
      : [{ id: ids[i]!, prev: ids[s.returningOf]!, days: daysSince(stories[s.returningOf]!, s) }],
  );
  await inChunks(links, async (part) => {
    const values = sql.join(part.map((l) => sql`(${l.id}::int, ${l.prev}::int, ${l.days}::int)`));
    await sql`update request set previous_request_id = v.prev, days_since_closure = v.days
      from (values ${values}) as v(id, prev, days) where request.id = v.id`.execute(db);
    return [];
  });
  return ids;
}

/** Writes the planned blocks and their duos; each place gets its id. */
async function insertPlaces(db: Kysely<Database>, places: Place[]): Promise<void> {
  await inChunks(
    places,
    async (part) => {
      const rows = part.map((p) => ({
        team_id: p.teamId,
        starts_at: new Date(p.start),
        ends_at: new Date(p.end),
        solo: false,
        slot_minutes: 60,
        buffer_minutes: 30,
        location_kind: 'home',
      }));
      const back = await insertAsJson(db, 'block', rows, 'starts_at');
      const ids = inOrder(
        part.map((p) => p.start),
        back.map((b) => ({ id: b.id, check: new Date(b.check as Date | string).getTime() })),
        'blocks',
      );
      part.forEach((p, j) => (p.id = ids[j]!));
      const coaches = part.flatMap((p) => {
        const period = periodLiteral(new Date(p.start), new Date(p.end));
        return [p.duo!.a, p.duo!.b].map((coach_id) => ({ block_id: p.id!, coach_id, period }));
      });
      await insertAsJson(db, 'block_coach', coaches, null);
      return [];
    },
    JSON_CHUNK,
  );
}

async function insertAppointments(
  db: Kysely<Database>,
  stories: Story[],
  requestIds: number[],
  duos: HistoryDuo[],
): Promise<void> {
  const all = stories.flatMap((s, i) => s.appointments.map((a) => ({ s, a, requestId: requestIds[i]! })));
  if (all.length === 0) return;
  let [first, last] = [Infinity, -Infinity];
  for (const x of all) [first, last] = [Math.min(first, +x.a.startsAt), Math.max(last, +x.a.startsAt)];
  const planner = new Planner(duos);
  // Up to 8 weeks after the last: a booked one still to come may move to a later free time.
  await planner.load(db, new Date(first - 86_400_000), new Date(last + 60 * 86_400_000));
  const placed = all.map((x) => {
    if (x.a.outcome === null) {
      const { place, start } = planner.placeOrLater(x.s.teamId, x.a.startsAt, CONVERSATION_MINUTES, true);
      return { ...x, a: start === x.a.startsAt ? x.a : { ...x.a, startsAt: start }, place };
    }
    const end = new Date(x.a.startsAt.getTime() + CONVERSATION_MINUTES * 60_000);
    return { ...x, place: planner.place(x.s.teamId, x.a.startsAt, end, x.a.outcome !== 'cancelled') };
  });
  await insertPlaces(db, planner.created);
  await inChunks(
    placed,
    async (part) => {
      const rows = part.map((x) =>
        appointmentRow(x.a, { requestId: x.requestId, blockId: x.place.id!, token: randomUUID() }),
      );
      await insertAsJson(db, 'appointment', rows as Record<string, unknown>[], null);
      return [];
    },
    JSON_CHUNK,
  );
}

/**
 * Writes the stories: residents, referrers, requests (returning ones linked to the request
 * before), the blocks they need and the appointments. Call it inside a transaction to have all
 * or nothing.
 */
export async function insertStories(
  db: Kysely<Database>,
  stories: Story[],
  opts: { duos: HistoryDuo[] },
): Promise<{ requestIds: number[]; residentIds: number[] }> {
  stories.forEach((s, i) => checkStory(s, i, stories));
  const residentIds = await insertResidents(db, stories);
  const referrerIds = await insertReferrers(db, stories);
  const requestIds = await insertRequests(db, stories, residentIds, referrerIds);
  await insertAppointments(db, stories, requestIds, opts.duos);
  return { requestIds, residentIds };
}

/**
 * `months` of history before `now` for the teams of these duos (each team's share by its number
 * of duos), with the daily capacity notes and alarms: deterministic for a given seed.
 */
export async function insertHistory(
  db: Kysely<Database>,
  o: { now: Date; months: number; requestsPerYear: number; duos: HistoryDuo[]; seed: number },
): Promise<{ requestIds: number[]; residentIds: number[] }> {
  const dice = seededDice(o.seed);
  const weights = new Map<number, number>();
  for (const d of o.duos) weights.set(d.teamId, (weights.get(d.teamId) ?? 0) + 1);
  const teams = [...weights].map(([id, weight]) => ({ id, weight, duos: weight }));
  const { stories, late } = planHistory({
    now: o.now,
    months: o.months,
    requestsPerYear: o.requestsPerYear,
    teams,
    dice,
  });
  const written = await insertStories(db, stories, { duos: o.duos });
  await insertCapacity(db, capacitySnapshots({ now: o.now, months: o.months, teams, late, dice }));
  return written;
}
