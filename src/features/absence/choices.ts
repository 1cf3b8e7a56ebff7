// The choices posted on an absence page (or a departure page), one per block, checked: a
// replacement from the team who is not absent then, solo only with a partner, a move only when
// every appointment has a free time.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { parseSlotKey } from '../../domain/slots.js';
import { teamCoaches } from '../../core/teams.js';
import { field, parseId, type Errors } from '../blocks/schemas.js';
import type { Decision } from '../blocks/rehome.js';
import { isAbsent } from './repository.js';
import type { BlockChoice } from './service.js';
import type { AbsenceBlock } from './view.js';

type Body = Record<string, unknown>;

/** The posted values worth keeping on the page again. */
export function choiceValues(body: Body): Record<string, string> {
  const values: Record<string, string> = {};
  for (const k of Object.keys(body)) if (/^(action|replacement|target)_\d+$/.test(k)) values[k] = field(body, k);
  return values;
}

export async function readChoices(
  db: Kysely<Database>,
  absentId: number,
  teamId: number,
  blocks: AbsenceBlock[],
  body: Body,
): Promise<{ choices: BlockChoice[]; errors: Errors }> {
  const errors: Errors = {};
  const choices: BlockChoice[] = [];
  const team = new Set((await teamCoaches(db, teamId)).map((c) => c.id));
  for (const b of blocks) {
    const id = b.block.id;
    const action = field(body, `action_${id}`);
    if (action === 'replace') {
      const rid = parseId(field(body, `replacement_${id}`));
      if (!field(body, `replacement_${id}`)) errors[`replacement_${id}`] = 'absence.errors.replacementEmpty';
      else if (rid === null || !team.has(rid) || rid === absentId || b.block.coaches.some((c) => c.id === rid))
        errors[`replacement_${id}`] = 'absence.errors.replacementInvalid';
      else if (await isAbsent(db, rid, b.block.starts_at, b.block.ends_at))
        errors[`replacement_${id}`] = 'absence.errors.replacementAbsent';
      else choices.push({ block: b.block, action, replacementId: rid });
    } else if (action === 'solo') {
      if (!b.canSolo) errors[`action_${id}`] = 'absence.errors.soloNotPossible';
      else choices.push({ block: b.block, action });
    } else if (action === 'move') {
      const moves: Decision[] = [];
      for (const ap of b.appointments) {
        const target = parseSlotKey(field(body, `target_${ap.id}`));
        if (target) moves.push({ appointmentId: ap.id, action: 'move', target });
      }
      if (b.appointments.length === 0) errors[`action_${id}`] = 'absence.errors.nothingToMove';
      else if (moves.length !== b.appointments.length) errors[`action_${id}`] = 'absence.errors.noMove';
      else choices.push({ block: b.block, action, moves });
    } else if (action === 'cancel') {
      choices.push({ block: b.block, action });
    } else {
      errors[`action_${id}`] = 'absence.errors.action';
    }
  }
  return { choices, errors };
}
