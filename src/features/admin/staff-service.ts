// Staff accounts, as admins manage them. Admins run the system, not the cases, so:
// - an admin cannot change their own role, team or email address, or deactivate themselves
//   (a stolen admin session could otherwise move the address and take the account over with a
//   reset link);
// - the last active admin cannot be demoted or deactivated (also refused by the database);
// - a change of role, team, email address or active state ends the person's sessions and open
//   links, and is written to the audit log with the old and new values;
// - such a change, and every new account, is mailed to the person concerned (also at their old
//   address), to the other admins and to the team leads of the teams involved: nobody can give
//   themselves access to case content without a second person hearing of it.
// Each write and its audit row and mails are one transaction.
import type { Kysely, Transaction } from 'kysely';
import type { Database, Role } from '../../db/schema.js';
import { isConstraintViolation, ktError } from '../../errors.js';
import { endSessions } from '../../plugins/auth.js';
import { audit } from '../../core/audit.js';
import { closeLinks, issueLink } from '../../core/staff-links.js';
import { accountNotices, type AccountChange } from './notices.js';
import { hasFutureBlocks, recordDeparture } from './repository.js';

export interface StaffInput {
  name: string;
  email: string;
  role: Role;
  teamId: number | null;
  expertise: string[];
  active: boolean;
}

/** departureId: the person left (deactivated or moved) with future blocks, recorded as an absence to handle. */
export type SaveResult = { ok: true; id: number; departureId?: number } | { ok: false; errors: Record<string, string> };

interface Ctx {
  actor: { id: number; name: string };
  now: Date;
  publicUrl: string;
}

type StaffRow = {
  id: number;
  name: string;
  email: string;
  role: Role;
  team_id: number | null;
  active: boolean;
  password_hash: string | null;
};

/** The fields whose change alters what someone may see: role, team, address and active. */
function accessChanges(before: StaffRow, after: StaffInput): AccountChange[] {
  const changes: AccountChange[] = [];
  if (before.role !== after.role) changes.push({ field: 'role', from: before.role, to: after.role });
  if (before.team_id !== after.teamId) changes.push({ field: 'team', from: before.team_id, to: after.teamId });
  if (before.email.toLowerCase() !== after.email.toLowerCase())
    changes.push({ field: 'email', from: before.email, to: after.email });
  if (before.active !== after.active) changes.push({ field: 'active', from: before.active, to: after.active });
  return changes;
}

/** Refusals for an admin editing their own account. */
function ownAccountErrors(before: StaffRow, after: StaffInput): Record<string, string> {
  const errors: Record<string, string> = {};
  if (before.role !== after.role) errors.role = 'admin.errors.ownRole';
  if (before.team_id !== after.teamId) errors.teamId = 'admin.errors.ownTeam';
  if (before.email.toLowerCase() !== after.email.toLowerCase()) errors.email = 'admin.errors.ownEmail';
  if (!after.active) errors.active = 'admin.errors.ownActive';
  return errors;
}

/** Runs a save; the database's refusals become messages at the field. */
async function saving(input: StaffInput, work: () => Promise<SaveResult>): Promise<SaveResult> {
  try {
    return await work();
  } catch (err) {
    if (isConstraintViolation(err, 'staff_user_email'))
      return { ok: false, errors: { email: 'admin.errors.emailTaken' } };
    if (isConstraintViolation(err, 'staff_keep_an_admin'))
      return { ok: false, errors: { [input.active ? 'role' : 'active']: 'admin.errors.lastAdmin' } };
    throw err;
  }
}

export async function createStaff(db: Kysely<Database>, input: StaffInput, ctx: Ctx): Promise<SaveResult> {
  return saving(input, () =>
    db.transaction().execute(async (trx): Promise<SaveResult> => {
      const created = await trx
        .insertInto('staff_user')
        .values({
          name: input.name,
          email: input.email,
          role: input.role,
          team_id: input.teamId,
          expertise: input.expertise,
          active: true,
          password_hash: null,
        })
        .returning(['id', 'name', 'email'])
        .executeTakeFirstOrThrow();
      await audit(trx, {
        action: 'staff_created',
        actorStaffId: ctx.actor.id,
        subjectType: 'staff_user',
        subjectId: created.id,
        teamId: input.teamId,
        at: ctx.now,
        detail: { role: input.role, teamId: input.teamId },
      });
      await issueLink(trx, created, 'invite', ctx.now, ctx.publicUrl);
      await accountNotices(trx, {
        subject: { id: created.id, name: created.name, email: created.email, oldEmail: null },
        actor: ctx.actor,
        teams: [input.teamId],
        created: { role: input.role, teamId: input.teamId },
        changes: [],
      });
      return { ok: true, id: created.id };
    }),
  );
}

export async function updateStaff(
  db: Kysely<Database>,
  staffId: number,
  input: StaffInput,
  ctx: Ctx,
): Promise<SaveResult> {
  return saving(input, () =>
    db.transaction().execute(async (trx): Promise<SaveResult> => {
      const before = await lockStaff(trx, staffId);
      if (before.id === ctx.actor.id) {
        const errors = ownAccountErrors(before, input);
        if (Object.keys(errors).length) return { ok: false, errors };
      }
      await trx
        .updateTable('staff_user')
        .set({
          name: input.name,
          email: input.email,
          role: input.role,
          team_id: input.teamId,
          expertise: input.expertise,
          active: input.active,
          ...(input.active ? {} : { ical_token_hash: null }),
        })
        .where('id', '=', staffId)
        .execute();
      const changes = accessChanges(before, input);
      if (changes.length) {
        // What they may see changed: every session and open link of theirs ends. A feed link
        // goes with deactivation, so reactivating brings neither back.
        await endSessions(trx, [staffId]);
        await closeLinks(trx, staffId, ctx.now);
      }
      await audit(trx, {
        action: 'staff_updated',
        actorStaffId: ctx.actor.id,
        subjectType: 'staff_user',
        subjectId: staffId,
        teamId: input.teamId,
        at: ctx.now,
        detail: { changes: Object.fromEntries(changes.map((c) => [c.field, { from: c.from, to: c.to }])) },
      });
      const departureId = await departureIfLeaving(trx, before, input, ctx);
      if (changes.length) {
        const emailChange = changes.find((c) => c.field === 'email');
        await accountNotices(trx, {
          subject: { id: staffId, name: input.name, email: input.email, oldEmail: emailChange ? before.email : null },
          actor: ctx.actor,
          teams: [before.team_id, input.teamId],
          created: null,
          changes,
        });
      }
      return departureId === null ? { ok: true, id: staffId } : { ok: true, id: staffId, departureId };
    }),
  );
}

/**
 * A coach who leaves the team (deactivated, or moved to another team) with blocks still to come
 * is recorded as absent from now on: their blocks are then handled with the absence choices.
 * Their times are no longer offered from this moment (core/availability.ts), whatever follows.
 */
async function departureIfLeaving(
  trx: Transaction<Database>,
  before: StaffRow,
  after: StaffInput,
  ctx: Ctx,
): Promise<number | null> {
  const left = (before.active && !after.active) || (before.team_id !== null && before.team_id !== after.teamId);
  if (!left || !(await hasFutureBlocks(trx, before.id, ctx.now))) return null;
  return recordDeparture(trx, before.id, ctx.now, ctx.actor.id);
}

/** Sends a new invitation to an account that has no password yet. */
export async function reinvite(db: Kysely<Database>, staffId: number, ctx: Ctx): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const u = await lockStaff(trx, staffId);
    if (!u.active || u.password_hash !== null) throw ktError('KT_CONFLICT', 'account is not waiting for an invitation');
    await issueLink(trx, u, 'invite', ctx.now, ctx.publicUrl);
    await audit(trx, {
      action: 'staff_invited',
      actorStaffId: ctx.actor.id,
      subjectType: 'staff_user',
      subjectId: staffId,
      teamId: u.team_id,
      at: ctx.now,
    });
  });
}

// FOR NO KEY UPDATE, not FOR UPDATE: the change never touches the row's key, and the stronger
// lock would block the foreign-key checks of other transactions (an audit entry naming this
// person as actor), which deadlocked two admins demoting each other at the same moment.
async function lockStaff(trx: Transaction<Database>, staffId: number): Promise<StaffRow> {
  const row = await trx
    .selectFrom('staff_user')
    .select(['id', 'name', 'email', 'role', 'team_id', 'active', 'password_hash'])
    .where('id', '=', staffId)
    .forNoKeyUpdate()
    .executeTakeFirst();
  if (!row) throw ktError('KT_NOT_FOUND', 'no such staff member');
  return row;
}
