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
// The counter and the lock are in throttle.ts, the unlock link in unlock.ts.
import { hash, verify } from '@node-rs/argon2';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { audit } from '../../core/audit.js';
import { countFailure, throttleKey, throttleRow } from './throttle.js';
import { mailUnlockLink } from './unlock.js';

/** Extra wait before answering the nth wrong password in a row (index n - 1). */
export const FAILURE_DELAYS_MS = [0, 0, 1000, 2000] as const;

export type LoginResult =
  | { ok: true; staffId: number; sessionVersion: number }
  | { ok: false; reason: 'invalid'; delayMs: number }
  | { ok: false; reason: 'locked'; until: Date };

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
