// The team's contact coach per referring organisation, named or removed by a team lead: each
// change and its audit row are one transaction.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { audit } from '../../core/audit.js';
import { deleteContact, organisationKey, upsertContact } from './repository.js';

/** Names (or renames) the team's contact coach for an organisation. */
export async function setContact(
  db: Kysely<Database>,
  c: { teamId: number; organisation: string; coachId: number; phone: string | null; staffId: number },
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await upsertContact(trx, c);
    await audit(trx, {
      action: 'referrer_contact_set',
      actorStaffId: c.staffId,
      subjectType: 'team',
      subjectId: c.teamId,
      teamId: c.teamId,
      detail: { organisation: organisationKey(c.organisation), coachId: c.coachId },
    });
  });
}

/** Removes the team's contact for an organisation (by its key); answers how many went (0 or 1). */
export async function removeContact(
  db: Kysely<Database>,
  c: { teamId: number; key: string; staffId: number },
): Promise<number> {
  if (c.key === '') return 0;
  return db.transaction().execute(async (trx) => {
    const n = await deleteContact(trx, c.teamId, c.key);
    if (n > 0)
      await audit(trx, {
        action: 'referrer_contact_removed',
        actorStaffId: c.staffId,
        subjectType: 'team',
        subjectId: c.teamId,
        teamId: c.teamId,
        detail: { organisation: c.key },
      });
    return n;
  });
}
