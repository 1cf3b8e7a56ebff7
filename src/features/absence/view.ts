// What the absence page shows per block: its appointments with a proposed move for each (all
// proposals together, so two appointments never get the same slot), the colleagues free to
// step in, and whether the partner can go alone.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { local, type Formatters } from '../../domain/time.js';
import type { Translate } from '../../core/i18n.js';
import { proposeMoves, type Proposal } from '../blocks/rehome.js';
import { bookedIn, type BlockWithCoaches, type BookedAppointment, type CoachRef } from '../blocks/repository.js';
import { blocksDuring, freeColleagues, type AbsenceRow } from './repository.js';
import { auditCasesListed } from '../../core/audit.js';

export interface AbsenceBlock {
  block: BlockWithCoaches;
  appointments: (BookedAppointment & { proposal: Proposal | null })[];
  free: CoachRef[];
  canSolo: boolean;
  canMove: boolean;
}

export async function absenceBlocks(db: Kysely<Database>, absence: AbsenceRow, now: Date): Promise<AbsenceBlock[]> {
  const blocks = await blocksDuring(db, absence.staff_id, absence.starts_at, absence.ends_at, now);
  const ids = blocks.map((b) => b.id);
  const booked = await bookedIn(db, ids);
  const proposals = await proposeMoves(db, absence.team_id!, booked, { exclude: ids, now });
  const out: AbsenceBlock[] = [];
  for (const block of blocks) {
    const appointments = booked
      .filter((a) => a.block_id === block.id)
      .map((a) => ({ ...a, proposal: proposals.get(a.id) ?? null }));
    out.push({
      block,
      appointments,
      free: await freeColleagues(db, absence.team_id!, block, [absence.staff_id]),
      canSolo: block.coaches.length === 2,
      canMove: appointments.length > 0 && appointments.every((a) => a.proposal !== null),
    });
  }
  return out;
}

/** The page names the resident of every appointment in these blocks (NEN 7513); none when names are hidden. */
export async function auditNamesShown(
  db: Kysely<Database>,
  e: { actorStaffId: number; teamId: number | null; blocks: AbsenceBlock[]; page: string; at: Date },
): Promise<void> {
  const subjects = e.blocks.flatMap((b) =>
    b.appointments.map((a) => ({ type: 'appointment' as const, id: a.id, teamId: e.teamId })),
  );
  await auditCasesListed(db, { actorStaffId: e.actorStaffId, subjects, page: e.page, at: e.at });
}

/**
 * "donderdag 10 december 2026 tot en met vrijdag 11 december 2026" for whole days (stored as
 * midnight to midnight), else with the times.
 */
export function periodText(fmt: Formatters, t: Translate, start: Date, end: Date, short = false): string {
  const s = local(start);
  const e = local(end);
  const day = (d: Date) => (short ? fmt.shortDate(d) : fmt.date(d));
  if (s.toFormat('HH:mm') === '00:00' && e.toFormat('HH:mm') === '00:00') {
    return t('absence.period.days', { from: day(start), until: day(e.minus({ days: 1 }).toJSDate()) });
  }
  return t('absence.period.times', { from: `${day(start)} ${fmt.time(start)}`, until: `${day(end)} ${fmt.time(end)}` });
}
