// Staff link a new sign-up to a resident the team already knows (a resident without email, or
// one who signed up anew): the request moves to that resident, so their history and lead coach
// carry over. Only to a suggested match of the same team, and only by a staff decision.
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../../db/schema.js';
import type { StaffSession } from '../../plugins/auth.js';
import { audit } from '../../core/audit.js';
import { actionError, idField } from '../../core/forms.js';
import { lastRequestOf, residentById, staffById } from './repository.js';
import { markAsReturning, tellLead } from './service.js';
import { possibleMatches, type CaseForMatch } from './staff.js';

export const linkSchema = z.object({
  residentId: idField('returning.errors.residentId'),
});

export interface CaseForLink extends CaseForMatch {
  id: number;
  lead_coach_id: number | null;
  submitted_at: Date;
}

export async function linkToResident(
  db: Kysely<Database>,
  c: CaseForLink,
  staff: StaffSession,
  residentId: number,
  publicUrl: string,
): Promise<void> {
  if (residentId === c.resident_id) throw actionError('residentId', 'returning.errors.sameResident', 409);
  if (!(await possibleMatches(db, c)).some((m) => m.id === residentId))
    throw actionError('residentId', 'returning.errors.residentId');
  await db.transaction().execute(async (trx) => {
    const target = (await residentById(trx, residentId))!;
    const current = await residentById(trx, c.resident_id);
    if (!current) throw actionError('residentId', 'returning.errors.sameResident', 409);
    // The lead coach carries over when the request has none, if that coach still works in the team.
    let lead = c.lead_coach_id;
    if (lead === null) {
      const candidate = (await lastRequestOf(trx, residentId))?.lead_coach_id ?? target.lead_coach_id;
      const coach = candidate ? await staffById(trx, candidate) : null;
      if (coach && coach.active && coach.team_id === c.team_id) lead = coach.id;
    }
    const moved = await trx
      .updateTable('request')
      .set({ resident_id: residentId, lead_coach_id: lead })
      .where('id', '=', c.request_id)
      .where('resident_id', '=', c.resident_id)
      .executeTakeFirst();
    if (Number(moved.numUpdatedRows) !== 1) throw actionError('residentId', 'returning.errors.sameResident', 409);
    await markAsReturning(trx, residentId, c.request_id, c.submitted_at);
    // The details of the new sign-up are the newest; what it left empty keeps what we knew.
    await trx
      .updateTable('resident')
      .set((eb) => ({
        name: current.name,
        language: current.language,
        interpreter: current.interpreter,
        mail_locale: current.mail_locale,
        email: eb.fn.coalesce(eb.val(current.email), 'email'),
        phone: eb.fn.coalesce(eb.val(current.phone), 'phone'),
        postcode: eb.fn.coalesce(eb.val(current.postcode), 'postcode'),
        house_number: eb.fn.coalesce(eb.val(current.house_number), 'house_number'),
        street: eb.fn.coalesce(eb.val(current.street), 'street'),
        city: eb.fn.coalesce(eb.val(current.city), 'city'),
        date_of_birth: eb.fn.coalesce(eb.val(current.date_of_birth), 'date_of_birth'),
        lead_coach_id: eb.fn.coalesce('lead_coach_id', eb.val(lead)),
      }))
      .where('id', '=', residentId)
      .execute();
    // The row the sign-up wrote is now empty: remove it, unless it has other requests.
    await trx
      .deleteFrom('resident')
      .where('id', '=', c.resident_id)
      .where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom('request').select('request.id').whereRef('request.resident_id', '=', 'resident.id'))),
      )
      .execute();
    await audit(trx, {
      action: 'resident_linked',
      actorStaffId: staff.id,
      subjectType: 'request',
      subjectId: c.request_id,
      teamId: c.team_id,
      detail: { fromResidentId: c.resident_id, toResidentId: residentId, leadCoachId: lead },
    });
    if (lead !== null && c.lead_coach_id === null && lead !== staff.id)
      await tellLead(trx, publicUrl, lead, c.team_id, c.id, 'linked');
  });
}
