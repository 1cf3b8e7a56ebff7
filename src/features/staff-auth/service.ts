// Logging in with email and password (argon2id), a temporary lock after repeated failures,
// and one-time links (password reset, invitation) stored only as hashes.
import { hash, verify } from '@node-rs/argon2';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { hashToken, newToken } from '../../domain/tokens.js';
import { enqueueMail } from '../mail/outbox.js';
import { translator } from '../../plugins/i18n.js';
import { audit } from '../booking/repository.js';

export const MAX_FAILURES = 5;
export const LOCK_MINUTES = 15;
export const RESET_MINUTES = 60;
export const INVITE_DAYS = 7;
export const PASSWORD_MIN = 12;

// A fixed hash to verify against when the email is unknown, so both cases take as long.
let dummyHash: Promise<string> | null = null;

export type LoginResult = { ok: true; staffId: number } | { ok: false; reason: 'invalid' | 'locked'; until?: Date };

export async function login(db: Kysely<Database>, email: string, password: string, now: Date): Promise<LoginResult> {
  const user = await db
    .selectFrom('staff_user')
    .select(['id', 'password_hash', 'failed_logins', 'locked_until', 'active', 'team_id'])
    .where((eb) => eb(eb.fn('lower', ['email']), '=', email.trim().toLowerCase()))
    .executeTakeFirst();
  if (!user || !user.active || !user.password_hash) {
    dummyHash ??= hash('not-a-real-password-0000');
    await verify(await dummyHash, password).catch(() => false);
    return { ok: false, reason: 'invalid' };
  }
  if (user.locked_until && user.locked_until > now) return { ok: false, reason: 'locked', until: user.locked_until };
  const valid = await verify(user.password_hash, password).catch(() => false);
  if (!valid) {
    const failures = (user.locked_until && user.locked_until <= now ? 0 : user.failed_logins) + 1;
    const lock = failures >= MAX_FAILURES;
    await db
      .updateTable('staff_user')
      .set({ failed_logins: lock ? 0 : failures, locked_until: lock ? new Date(now.getTime() + LOCK_MINUTES * 60_000) : user.locked_until })
      .where('id', '=', user.id)
      .execute();
    if (lock) await audit(db, { action: 'staff_locked', subjectType: 'staff_user', subjectId: user.id, teamId: user.team_id });
    return lock ? { ok: false, reason: 'locked', until: new Date(now.getTime() + LOCK_MINUTES * 60_000) } : { ok: false, reason: 'invalid' };
  }
  await db.updateTable('staff_user').set({ failed_logins: 0, locked_until: null }).where('id', '=', user.id).execute();
  await audit(db, { action: 'staff_login', actorStaffId: user.id, teamId: user.team_id });
  return { ok: true, staffId: user.id };
}

/** Mails a one-time link. For an unknown or inactive email nothing happens (same answer). */
export async function sendResetLink(db: Kysely<Database>, email: string, now: Date, publicUrl: string): Promise<void> {
  const user = await db
    .selectFrom('staff_user')
    .select(['id', 'name', 'email'])
    .where((eb) => eb(eb.fn('lower', ['email']), '=', email.trim().toLowerCase()))
    .where('active', '=', true)
    .executeTakeFirst();
  if (!user) return;
  await issueLink(db, user, 'reset', now, publicUrl);
}

export async function issueLink(db: Kysely<Database>, user: { id: number; name: string; email: string }, kind: 'reset' | 'invite', now: Date, publicUrl: string): Promise<void> {
  const token = newToken();
  const minutes = kind === 'reset' ? RESET_MINUTES : INVITE_DAYS * 24 * 60;
  const t = translator('nl');
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('staff_token').values({ staff_id: user.id, kind, token_hash: hashToken(token), expires_at: new Date(now.getTime() + minutes * 60_000) }).execute();
    await enqueueMail(trx, {
      to: user.email,
      subject: t(`staff.mail.${kind}.subject`),
      text: [t('mail.greeting', { name: user.name.split(' ')[0]! }), '', t(`staff.mail.${kind}.intro`), '', `${publicUrl}/medewerker/wachtwoord/${token}`, '', t(`staff.mail.${kind}.expires`)].join('\n'),
    });
  });
}

export async function findValidToken(db: Kysely<Database>, token: string, now: Date) {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
  const row = await db
    .selectFrom('staff_token')
    .innerJoin('staff_user', 'staff_user.id', 'staff_token.staff_id')
    .select(['staff_token.id', 'staff_token.kind', 'staff_token.staff_id', 'staff_user.name', 'staff_user.email'])
    .where('staff_token.token_hash', '=', hashToken(token))
    .where('staff_token.used_at', 'is', null)
    .where('staff_token.expires_at', '>', now)
    .where('staff_user.active', '=', true)
    .executeTakeFirst();
  return row ?? null;
}

/** Sets the new password and uses the link up, in one transaction (a link works once). */
export async function setPassword(db: Kysely<Database>, token: string, password: string, now: Date): Promise<number | null> {
  const passwordHash = await hash(password);
  return db.transaction().execute(async (trx) => {
    const used = await trx
      .updateTable('staff_token')
      .set({ used_at: now })
      .where('token_hash', '=', hashToken(token))
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .returning(['staff_id'])
      .executeTakeFirst();
    if (!used) return null;
    await trx.updateTable('staff_user').set({ password_hash: passwordHash, failed_logins: 0, locked_until: null }).where('id', '=', used.staff_id).execute();
    await audit(trx, { action: 'staff_password_set', subjectType: 'staff_user', subjectId: used.staff_id });
    return used.staff_id;
  });
}
