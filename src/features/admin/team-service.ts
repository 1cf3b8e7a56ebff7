// Teams as admins manage them: a team's settings and neighbours, and its postcode areas. Each
// write and its audit row are one transaction.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { isConstraintViolation, ktError } from '../../errors.js';
import { audit } from '../../core/audit.js';
import {
  deleteArea,
  insertArea,
  overlappingAreas,
  replaceNeighbours,
  writeTeam,
  type TeamSettings,
} from './repository.js';
import type { SaveResult } from './staff-service.js';

/** Who acts, and when. */
interface Actor {
  staffId: number;
  now: Date;
}

/** Writes a new team (teamId null) or a team's settings with its neighbours; a slug in use is refused. */
export async function saveTeam(
  db: Kysely<Database>,
  teamId: number | null,
  settings: TeamSettings,
  neighbours: number[],
  actor: Actor,
): Promise<SaveResult> {
  try {
    const id = await db.transaction().execute(async (trx) => {
      const id = await writeTeam(trx, teamId, settings);
      await replaceNeighbours(trx, id, neighbours);
      await audit(trx, {
        action: teamId ? 'team_updated' : 'team_created',
        actorStaffId: actor.staffId,
        subjectType: 'team',
        subjectId: id,
        teamId: id,
        at: actor.now,
      });
      return id;
    });
    return { ok: true, id };
  } catch (err) {
    if (isConstraintViolation(err, 'team_slug_key')) return { ok: false, errors: { slug: 'admin.errors.slugTaken' } };
    throw err;
  }
}

/**
 * Adds a postcode range to a team. Ranges of other teams that overlap it are answered as a
 * warning, not refused; the same range again (the form posted twice) adds nothing.
 */
export async function addArea(
  db: Kysely<Database>,
  teamId: number,
  range: { from: string; to: string },
  actor: Actor,
): Promise<Awaited<ReturnType<typeof overlappingAreas>>> {
  const overlaps = await overlappingAreas(db, teamId, range.from, range.to);
  await db.transaction().execute(async (trx) => {
    if (!(await insertArea(trx, teamId, range.from, range.to))) return;
    await audit(trx, {
      action: 'team_area_added',
      actorStaffId: actor.staffId,
      subjectType: 'team',
      subjectId: teamId,
      teamId,
      at: actor.now,
      detail: { from: range.from, to: range.to },
    });
  });
  return overlaps;
}

export async function removeArea(db: Kysely<Database>, teamId: number, areaId: number, actor: Actor): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const gone = await deleteArea(trx, teamId, areaId);
    if (!gone) throw ktError('KT_NOT_FOUND', 'no such area');
    await audit(trx, {
      action: 'team_area_removed',
      actorStaffId: actor.staffId,
      subjectType: 'team',
      subjectId: teamId,
      teamId,
      at: actor.now,
      detail: { from: gone.postcode_from, to: gone.postcode_to },
    });
  });
}
