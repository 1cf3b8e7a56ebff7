// Passwords and one-time links (password reset, invitation; made in core/staff-links.ts), stored
// only as hashes. Logging in and the lock after wrong passwords: login.ts, throttle.ts, unlock.ts.
import { hash, verify } from '@node-rs/argon2';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { hashToken } from '../../domain/tokens.js';
import { enqueueMail } from '../../core/mail/outbox.js';
import { mailText } from '../../core/mail/render.js';
import { translator } from '../../core/i18n.js';
import { audit } from '../../core/audit.js';
import { endSessions } from '../../plugins/auth.js';
import { liftLock, passwordCheckLocked } from './throttle.js';
import { newPasswordProblem } from './rules.js';
import { closeLinks, issueLink } from '../../core/staff-links.js';

/** Reset mails per account an hour: more requests get the same answer and no mail. */
export const RESETS_PER_HOUR = 3;
/** The reset form answers after this long, known address or not (npm run bench:answers). */
export const RESET_ANSWER_MS = 100;

/** Mails a one-time link. For an unknown or inactive email nothing happens (same answer). */
export async function sendResetLink(db: Kysely<Database>, email: string, now: Date, publicUrl: string): Promise<void> {
  const user = await db
    .selectFrom('staff_user')
    .select(['id', 'name', 'email'])
    .where((eb) => eb(eb.fn('lower', ['email']), '=', email.trim().toLowerCase()))
    .where('active', '=', true)
    .executeTakeFirst();
  if (!user) return;
  await db.transaction().execute(async (trx) => {
    // One at a time per account, so requests that arrive together count each other.
    await trx.selectFrom('staff_user').select('id').where('id', '=', user.id).forUpdate().execute();
    const recent = await trx
      .selectFrom('staff_token')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('staff_id', '=', user.id)
      .where('kind', '=', 'reset')
      .where('created_at', '>', new Date(now.getTime() - 3600_000))
      .executeTakeFirstOrThrow();
    if (Number(recent.n) >= RESETS_PER_HOUR) return;
    await issueLink(trx, user, 'reset', now, publicUrl);
  });
}

export async function findValidToken(db: Kysely<Database>, token: string, now: Date) {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
  const row = await db
    .selectFrom('staff_token')
    .innerJoin('staff_user', 'staff_user.id', 'staff_token.staff_id')
    .select(['staff_token.id', 'staff_token.kind', 'staff_token.staff_id', 'staff_user.name', 'staff_user.email'])
    .where('staff_token.token_hash', '=', hashToken(token))
    .where('staff_token.kind', 'in', ['reset', 'invite'])
    .where('staff_token.used_at', 'is', null)
    .where('staff_token.expires_at', '>', now)
    .where('staff_user.active', '=', true)
    .executeTakeFirst();
  return row ?? null;
}

/**
 * Sets the new password from a link, in one transaction: the link and every other open link of
 * the person stop working, and every session of theirs ends.
 */
export async function setPassword(
  db: Kysely<Database>,
  token: string,
  password: string,
  now: Date,
): Promise<number | null> {
  const passwordHash = await hash(password);
  return db.transaction().execute(async (trx) => {
    const used = await trx
      .updateTable('staff_token')
      .set({ used_at: now })
      .where('token_hash', '=', hashToken(token))
      .where('kind', 'in', ['reset', 'invite'])
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .returning(['staff_id'])
      .executeTakeFirst();
    if (!used) return null;
    const user = await trx
      .updateTable('staff_user')
      .set({ password_hash: passwordHash })
      .where('id', '=', used.staff_id)
      .returning(['id', 'email', 'team_id'])
      .executeTakeFirstOrThrow();
    // The mailbox and a new password prove who this is: a lock from wrong passwords goes.
    await liftLock(trx, user, now, 'password_reset');
    await closeLinks(trx, used.staff_id, now);
    await endSessions(trx, [used.staff_id]);
    await audit(trx, { action: 'staff_password_set', subjectType: 'staff_user', subjectId: used.staff_id, at: now });
    return used.staff_id;
  });
}

export type ChangeResult = { ok: true; sessionVersion: number } | { ok: false; errors: Record<string, string> };

/**
 * A logged-in person changes their password: the current one must be right. Every session of
 * theirs ends (the caller starts this one again with the new version), open links stop
 * working, and a mail tells them, in case it was not them.
 */
export async function changePassword(
  db: Kysely<Database>,
  staffId: number,
  input: { current: string; password: string; repeat: string },
  now: Date,
): Promise<ChangeResult> {
  const user = await db
    .selectFrom('staff_user')
    .select(['id', 'name', 'email', 'password_hash', 'team_id'])
    .where('id', '=', staffId)
    .executeTakeFirstOrThrow();
  const errors: Record<string, string> = {};
  if (await passwordCheckLocked(db, user, false, now))
    return { ok: false, errors: { current: 'staff.errors.changeLocked' } };
  const right = user.password_hash ? await verify(user.password_hash, input.current).catch(() => false) : false;
  if (!input.current) errors.current = 'staff.errors.currentEmpty';
  else if (!right)
    errors.current = (await passwordCheckLocked(db, user, true, now))
      ? 'staff.errors.changeLocked'
      : 'staff.errors.currentWrong';
  const problem = await newPasswordProblem(input.password, input.repeat);
  if (problem) errors[problem.field] = problem.message;
  else if (right && input.password === input.current) errors.password = 'staff.errors.passwordSame';
  if (Object.keys(errors).length) return { ok: false, errors };
  const passwordHash = await hash(input.password);
  const t = translator('nl');
  return db.transaction().execute(async (trx) => {
    await trx.updateTable('staff_user').set({ password_hash: passwordHash }).where('id', '=', staffId).execute();
    await closeLinks(trx, staffId, now);
    const versions = await endSessions(trx, [staffId]);
    await audit(trx, {
      action: 'staff_password_changed',
      actorStaffId: staffId,
      subjectType: 'staff_user',
      subjectId: staffId,
      teamId: user.team_id,
      at: now,
    });
    await enqueueMail(trx, {
      to: user.email,
      subject: t('staff.mail.changed.subject'),
      text: mailText('staff/password-changed', 'nl', { name: user.name.split(' ')[0]! }),
    });
    return { ok: true, sessionVersion: versions.get(staffId)! };
  });
}

/** Log-out: every session of this person ends, on every device. */
export async function logOutEverywhere(
  db: Kysely<Database>,
  staff: { id: number; teamId: number | null },
  now: Date,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await endSessions(trx, [staff.id]);
    await audit(trx, {
      action: 'staff_logout',
      actorStaffId: staff.id,
      subjectType: 'staff_user',
      subjectId: staff.id,
      teamId: staff.teamId,
      at: now,
    });
  });
}
