// Whether a coach is absent while a block would run: planning with them is allowed (they may be
// back, or the absence may be a mistake), but the planner is warned first and confirms.
import type { Db } from '../../core/db.js';

export interface AbsentWarning {
  staffId: number;
  starts_at: Date;
  ends_at: Date;
}

/** The first absence of one of these coaches that overlaps one of the periods; null when none does. */
export async function absentDuring(
  db: Db,
  staffIds: number[],
  periods: { start: Date; end: Date }[],
): Promise<AbsentWarning | null> {
  if (staffIds.length === 0 || periods.length === 0) return null;
  const row = await db
    .selectFrom('absence')
    .select(['staff_id as staffId', 'starts_at', 'ends_at'])
    .where('staff_id', 'in', staffIds)
    .where((eb) => eb.or(periods.map((p) => eb.and([eb('starts_at', '<', p.end), eb('ends_at', '>', p.start)]))))
    .orderBy('starts_at')
    .limit(1)
    .executeTakeFirst();
  return row ?? null;
}
