// Logging in, and the lock after repeated wrong passwords, without giving accounts away:
// - every attempt checks one argon2 hash (a fixed one when the address is unknown), so known
//   and unknown addresses take about as long;
// - wrong passwords are counted per typed address, known or not: unknown addresses lock just
//   like real ones, so the lock tells a stranger nothing;
// - from the third wrong password in a row the answer slows down; the fifth locks the address
//   for LOCK_MINUTES;
// - while locked, the right password mails the person a link that lifts the lock and logs them
//   in (the answer on the page stays the same, so it reveals nothing about the password). A
//   stranger can make a coach wait, but the coach gets in with their password and mailbox.
import { hash, verify } from '@node-rs/argon2';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';
import { hashToken, newToken } from '../../domain/tokens.js';
import { translator } from '../../core/i18n.js';
import { audit } from '../../core/audit.js';
import { enqueueMail } from '../../core/mail/outbox.js';

export const MAX_FAILURES = 5;
export const LOCK_MINUTES = 15;
export const UNLOCK_MINUTES = 15;
/** Extra wait before answering the nth wrong password in a row (index n - 1). */
export const FAILURE_DELAYS_MS = [0, 0, 1000, 2000] as const;

export type LoginResult =
  | { ok: true; staffId: number; sessionVersion: number }
  | { ok: false; reason: 'invalid'; delayMs: number }
  | { ok: false; reason: 'locked'; until: Date };

/** The key under which wrong passwords for a typed address are counted. */
export const throttleKey = (email: string) => hashToken(`login:${email.trim().toLowerCase()}`);

// A fixed hash to verify against when the address is unknown, so both cases take as long.
let dummyHash: Promise<string> | null = null;

export async function login(
  db: Kysely<Database>,
  email: string,
  password: string,
  now: Date,
  publicUrl: string,
): Promise<LoginResult> {
  const user = await db
    .selectFrom('staff_user')
    .select(['id', 'name', 'email', 'password_hash', 'team_id', 'session_version'])
    .where((eb) => eb(eb.fn('lower', ['email']), '=', email.trim().toLowerCase()))
    .where('active', '=', true)
    .executeTakeFirst();
  dummyHash ??= hash('not-a-real-password-0000');
  const valid =
    (await verify(user?.password_hash ?? (await dummyHash), password).catch(() => false)) &&
    Boolean(user?.password_hash);
  const key = throttleKey(email);
  return db.transaction().execute(async (trx) => {
    const { failures, lockedUntil } = await throttleRow(trx, key, now);
    if (lockedUntil && lockedUntil > now) {
      if (valid && user) await mailUnlockLink(trx, user, now, publicUrl);
      return { ok: false, reason: 'locked', until: lockedUntil };
    }
    if (valid && user) {
      await trx.deleteFrom('login_throttle').where('key_hash', '=', key).execute();
      await audit(trx, { action: 'staff_login', actorStaffId: user.id, teamId: user.team_id, at: now });
      return { ok: true, staffId: user.id, sessionVersion: user.session_version };
    }
    const until = await countFailure(trx, key, failures, user ?? null, now);
    if (until) return { ok: false, reason: 'locked', until };
    return { ok: false, reason: 'invalid', delayMs: FAILURE_DELAYS_MS[failures] ?? 0 };
  });
}

/** The counter row of an address, locked until the transaction ends: attempts that arrive together all count. */
async function throttleRow(
  trx: Transaction<Database>,
  key: string,
  now: Date,
): Promise<{ failures: number; lockedUntil: Date | null }> {
  const row = await sql<{ failures: number; locked_until: Date | null }>`
    insert into login_throttle (key_hash, failures, updated_at) values (${key}, 0, ${now})
    on conflict (key_hash) do update set updated_at = excluded.updated_at
    returning failures, locked_until`.execute(trx);
  return { failures: row.rows[0]!.failures, lockedUntil: row.rows[0]!.locked_until };
}

/** Counts one wrong password; at MAX_FAILURES the address locks. Returns the end of the lock, if one began. */
async function countFailure(
  trx: Transaction<Database>,
  key: string,
  failures: number,
  user: { id: number; team_id: number | null } | null,
  now: Date,
): Promise<Date | null> {
  const count = failures + 1;
  if (count >= MAX_FAILURES) {
    const until = new Date(now.getTime() + LOCK_MINUTES * 60_000);
    await trx
      .updateTable('login_throttle')
      .set({ failures: 0, locked_until: until })
      .where('key_hash', '=', key)
      .execute();
    if (user)
      await audit(trx, {
        action: 'staff_locked',
        subjectType: 'staff_user',
        subjectId: user.id,
        teamId: user.team_id,
        at: now,
        detail: { until: until.toISOString() },
      });
    return until;
  }
  await trx
    .updateTable('login_throttle')
    .set({ failures: count, locked_until: null })
    .where('key_hash', '=', key)
    .execute();
  return null;
}

/**
 * A wrong current password on the change-password page counts like a wrong login, so a session
 * left open cannot be used to guess the password. True when the person's address is locked
 * (now, or by this attempt); `wrong` false only asks.
 */
export async function passwordCheckLocked(
  db: Kysely<Database>,
  user: { id: number; email: string; team_id: number | null },
  wrong: boolean,
  now: Date,
): Promise<boolean> {
  const key = throttleKey(user.email);
  return db.transaction().execute(async (trx) => {
    const { failures, lockedUntil } = await throttleRow(trx, key, now);
    if (lockedUntil && lockedUntil > now) return true;
    return wrong ? (await countFailure(trx, key, failures, user, now)) !== null : false;
  });
}

/** At most one unlock mail per UNLOCK_MINUTES for a person. */
async function mailUnlockLink(
  trx: Transaction<Database>,
  user: { id: number; name: string; email: string },
  now: Date,
  publicUrl: string,
): Promise<void> {
  const recent = await trx
    .selectFrom('staff_token')
    .select('id')
    .where('staff_id', '=', user.id)
    .where('kind', '=', 'unlock')
    .where('created_at', '>', new Date(now.getTime() - UNLOCK_MINUTES * 60_000))
    .executeTakeFirst();
  if (recent) return;
  const token = newToken();
  await trx
    .insertInto('staff_token')
    .values({
      staff_id: user.id,
      kind: 'unlock',
      token_hash: hashToken(token),
      expires_at: new Date(now.getTime() + UNLOCK_MINUTES * 60_000),
      created_at: now,
    })
    .execute();
  const t = translator('nl');
  await enqueueMail(trx, {
    to: user.email,
    subject: t('staff.mail.unlock.subject'),
    text: [
      t('mail.greeting', { name: user.name.split(' ')[0]! }),
      '',
      t('staff.mail.unlock.intro'),
      '',
      `${publicUrl}/medewerker/ontgrendelen/${token}`,
      '',
      t('staff.mail.unlock.expires'),
    ].join('\n'),
  });
}

/** Lifts the lock on a person's address (run inside the transaction that proves who they are). */
export async function liftLock(
  trx: Transaction<Database>,
  user: { id: number; email: string; team_id: number | null },
  now: Date,
  by: 'unlock_link' | 'password_reset',
): Promise<void> {
  const gone = await trx
    .deleteFrom('login_throttle')
    .where('key_hash', '=', throttleKey(user.email))
    .returning('locked_until')
    .executeTakeFirst();
  if (gone?.locked_until && gone.locked_until > now) {
    await audit(trx, {
      action: 'staff_unlocked',
      subjectType: 'staff_user',
      subjectId: user.id,
      teamId: user.team_id,
      at: now,
      detail: { by },
    });
  }
}

/**
 * Uses an unlock link: the lock goes and the person is logged in. Null when the link was used,
 * expired or is not an unlock link.
 */
export async function useUnlockLink(
  db: Kysely<Database>,
  token: string,
  now: Date,
): Promise<{ staffId: number; sessionVersion: number } | null> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
  return db.transaction().execute(async (trx) => {
    const used = await trx
      .updateTable('staff_token')
      .set({ used_at: now })
      .where('token_hash', '=', hashToken(token))
      .where('kind', '=', 'unlock')
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .returning('staff_id')
      .executeTakeFirst();
    if (!used) return null;
    const user = await trx
      .selectFrom('staff_user')
      .select(['id', 'email', 'team_id', 'session_version'])
      .where('id', '=', used.staff_id)
      .where('active', '=', true)
      .executeTakeFirst();
    if (!user) return null;
    await liftLock(trx, user, now, 'unlock_link');
    await audit(trx, {
      action: 'staff_login',
      actorStaffId: user.id,
      teamId: user.team_id,
      at: now,
      detail: { by: 'unlock_link' },
    });
    return { staffId: user.id, sessionVersion: user.session_version };
  });
}

/** Whether an unlock link can still be used (opening it does not use it up: mail scanners). */
export async function unlockLinkIsUsable(db: Kysely<Database>, token: string, now: Date): Promise<boolean> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return false;
  const row = await db
    .selectFrom('staff_token')
    .select('id')
    .where('token_hash', '=', hashToken(token))
    .where('kind', '=', 'unlock')
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return Boolean(row);
}

/** Forgets counters of addresses that have been quiet for a day (the periodic job). */
export async function forgetOldAttempts(db: Kysely<Database>, now: Date): Promise<void> {
  const dayAgo = new Date(now.getTime() - 24 * 3600_000);
  await db
    .deleteFrom('login_throttle')
    .where('updated_at', '<', dayAgo)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]))
    .execute();
}
