// My agenda: the week view (Mon–Fri) of my blocks with their slots, today's appointments, and
// the personal feed token. Slots come from the same cutting as the public calendar
// (domain/slots.ts); a slot is booked when an appointment of the block overlaps it.
import type { Kysely } from 'kysely';
import { DateTime } from 'luxon';
import type { Database } from '../../db/schema.js';
import { cutSlots, overlaps } from '../../domain/slots.js';
import { horizonEnd, local, ZONE } from '../../domain/time.js';
import { hashToken, newToken } from '../../domain/tokens.js';
import { audit, auditCasesListed } from '../../core/audit.js';
import { coachesOfBlocks } from '../../core/blocks.js';
import { agendaFeed } from './feed.js';
import {
  appointmentsInBlocks,
  myBlocksBetween,
  myFeedAppointments,
  setIcalTokenHash,
  staffByIcalHash,
  type AgendaAppointment,
  type MyBlock,
} from './repository.js';

/** "2026-W48" → the Monday 00:00 of that ISO week in Amsterdam; null when not a real week. */
export function parseWeek(v: string): DateTime | null {
  const m = /^(\d{4})-W(\d{2})$/.exec(v);
  if (!m) return null;
  const monday = DateTime.fromObject({ weekYear: Number(m[1]), weekNumber: Number(m[2]), weekday: 1 }, { zone: ZONE });
  if (!monday.isValid || monday.weekNumber !== Number(m[2])) return null;
  return monday.startOf('day');
}

export function weekKey(d: DateTime): string {
  return d.toFormat("kkkk-'W'WW");
}

export interface SlotView {
  start: Date;
  end: Date;
  appointment: (AgendaAppointment & { soloName: string | null }) | null;
}

export interface BlockView extends MyBlock {
  partners: { id: number; name: string }[];
  slots: SlotView[];
}

export interface WeekView {
  week: string;
  prev: string;
  next: string;
  isThisWeek: boolean;
  days: { date: Date; blocks: BlockView[] }[];
  today: (AgendaAppointment & { soloName: string | null })[];
}

function slotsOf(block: MyBlock, appts: AgendaAppointment[], names: Map<number, string>): SlotView[] {
  const mine = appts.filter((a) => a.block_id === block.id);
  const placed = new Set<number>();
  const out: SlotView[] = [];
  const withSolo = (a: AgendaAppointment) => ({
    ...a,
    soloName: a.solo_coach_id !== null ? (names.get(a.solo_coach_id) ?? null) : null,
  });
  for (const slot of cutSlots(block)) {
    const a = mine.find((x) => overlaps(slot, x));
    if (a && placed.has(a.id)) continue;
    if (a) placed.add(a.id);
    out.push(
      a
        ? { start: a.starts_at, end: a.ends_at, appointment: withSolo(a) }
        : { start: slot.start, end: slot.end, appointment: null },
    );
  }
  // An appointment that no longer matches a slot (the block was changed) is still shown.
  for (const a of mine)
    if (!placed.has(a.id)) out.push({ start: a.starts_at, end: a.ends_at, appointment: withSolo(a) });
  return out.sort((x, y) => x.start.getTime() - y.start.getTime());
}

export async function weekView(db: Kysely<Database>, coachId: number, now: Date, monday: DateTime): Promise<WeekView> {
  const saturday = monday.plus({ days: 5 });
  const today = local(now).startOf('day');
  const from = DateTime.min(monday, today);
  const to = DateTime.max(saturday, today.plus({ days: 1 }));
  const blocks = await myBlocksBetween(db, coachId, from.toJSDate(), to.toJSDate());
  const coaches = await coachesOfBlocks(
    db,
    blocks.map((b) => b.id),
  );
  const appts = await appointmentsInBlocks(
    db,
    blocks.map((b) => b.id),
  );
  const names = new Map(coaches.map((c) => [c.id, c.name]));
  const views: BlockView[] = blocks.map((b) => ({
    ...b,
    partners: coaches.filter((c) => c.block_id === b.id && c.id !== coachId).map((c) => ({ id: c.id, name: c.name })),
    slots: slotsOf(b, appts, names),
  }));
  const days = [0, 1, 2, 3, 4].map((i) => {
    const day = monday.plus({ days: i });
    const key = day.toISODate();
    return { date: day.toJSDate(), blocks: views.filter((b) => local(b.starts_at).toISODate() === key) };
  });
  const todayKey = today.toISODate();
  const todays = views
    .flatMap((b) => b.slots.map((s) => s.appointment))
    .filter((a): a is NonNullable<typeof a> => a !== null && local(a.starts_at).toISODate() === todayKey)
    .sort((x, y) => x.starts_at.getTime() - y.starts_at.getTime());
  return {
    week: weekKey(monday),
    prev: weekKey(monday.minus({ weeks: 1 })),
    next: weekKey(monday.plus({ weeks: 1 })),
    isThisWeek: weekKey(monday) === weekKey(today),
    days,
    today: todays,
  };
}

/** A new secret feed URL; the old one stops working at once (only the hash is stored). */
export async function rotateFeedToken(
  db: Kysely<Database>,
  staff: { id: number; teamId: number | null },
): Promise<string> {
  const token = newToken();
  await db.transaction().execute(async (trx) => {
    await setIcalTokenHash(trx, staff.id, hashToken(token));
    await audit(trx, {
      action: 'ical_token_rotated',
      actorStaffId: staff.id,
      subjectType: 'staff_user',
      subjectId: staff.id,
      teamId: staff.teamId,
    });
  });
  return token;
}

export const FEED_WEEKS_BACK = 4;
const DEFAULT_HORIZON_DAYS = 60;

/**
 * The feed for a token, or null when no active coach or team lead holds it. A calendar app that
 * fetches it receives each resident's home address, so every fetch is logged as the owner seeing
 * those cases (NEN 7513): one 'case_listed' entry per request, page 'feed'.
 */
export async function feedForToken(
  db: Kysely<Database>,
  token: string,
  now: Date,
  publicUrl: string,
): Promise<string | null> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
  const staff = await staffByIcalHash(db, hashToken(token));
  if (!staff) return null;
  const from = local(now).startOf('day').minus({ weeks: FEED_WEEKS_BACK });
  const to = horizonEnd(now, staff.horizon_days ?? DEFAULT_HORIZON_DAYS);
  const appointments = await myFeedAppointments(db, staff.id, from.toJSDate(), to.toJSDate());
  const requests = new Map(appointments.map((a) => [a.request_id, a.team_id]));
  const subjects = [...requests].map(([id, teamId]) => ({ type: 'request' as const, id, teamId }));
  await auditCasesListed(db, { actorStaffId: staff.id, subjects, page: 'feed', at: now });
  return agendaFeed({ staffName: staff.name, publicUrl, now, appointments });
}
