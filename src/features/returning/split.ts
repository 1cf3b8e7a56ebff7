// Staff undo a link: a request that was linked to a known resident (automatically at sign-up, by
// staff, or through /opnieuw) turns out to be someone else's, so it moves to a resident row of its
// own. The new row starts as a copy of the details the linked row holds (staff correct them on
// the phone with the resident); the earlier requests, the lead coach of the resident and their
// details stay where they were. The request keeps its own lead coach and loses the returning mark.
// Same team only (the page's case row is loaded with assertOwnTeam), audited.
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../../db/schema.js';
import type { StaffSession } from '../../plugins/auth.js';
import { audit } from '../../core/audit.js';
import { actionError } from '../../core/forms.js';
import type { Db } from '../../core/db.js';
import { residentById } from './repository.js';

/** One checkbox: staff confirm that this sign-up is of another person. */
export const splitSchema = z.object({
  splitConfirm: z
    .string()
    .default('')
    .refine((v) => v === 'yes', 'returning.errors.splitConfirm'),
});

export interface CaseForSplit {
  request_id: number;
  resident_id: number;
  team_id: number;
}

/** Whether the request shares its resident with another request (so it can be split off). */
export async function isLinked(db: Db, c: CaseForSplit): Promise<boolean> {
  const other = await db
    .selectFrom('request')
    .select('id')
    .where('resident_id', '=', c.resident_id)
    .where('id', '!=', c.request_id)
    .limit(1)
    .executeTakeFirst();
  return other !== undefined;
}

/** Moves the request to a new resident row of its own; refused when it is not linked (any more). */
export async function splitFromResident(db: Kysely<Database>, c: CaseForSplit, staff: StaffSession): Promise<number> {
  return db.transaction().execute(async (trx) => {
    // Locked, so two staff splitting the last two requests of one row cannot both leave it empty.
    const current = await trx
      .selectFrom('resident')
      .select('id')
      .where('id', '=', c.resident_id)
      .forUpdate()
      .executeTakeFirst();
    if (!current || !(await isLinked(trx, c))) throw actionError('splitConfirm', 'returning.errors.notLinked', 409);
    const r = (await residentById(trx, c.resident_id))!;
    const fresh = await trx
      .insertInto('resident')
      .values({
        name: r.name,
        email: r.email,
        phone: r.phone,
        postcode: r.postcode,
        house_number: r.house_number,
        street: r.street,
        city: r.city,
        date_of_birth: r.date_of_birth,
        language: r.language,
        interpreter: r.interpreter,
        mail_locale: r.mail_locale,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const moved = await trx
      .updateTable('request')
      .set({ resident_id: fresh.id, returning_resident: false, previous_request_id: null, days_since_closure: null })
      .where('id', '=', c.request_id)
      .where('resident_id', '=', c.resident_id)
      .executeTakeFirst();
    if (Number(moved.numUpdatedRows) !== 1) throw actionError('splitConfirm', 'returning.errors.notLinked', 409);
    await audit(trx, {
      action: 'resident_split',
      actorStaffId: staff.id,
      subjectType: 'request',
      subjectId: c.request_id,
      teamId: c.team_id,
      detail: { fromResidentId: c.resident_id, toResidentId: fresh.id },
    });
    return fresh.id;
  });
}
