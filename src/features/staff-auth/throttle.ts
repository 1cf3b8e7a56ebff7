// The lock after repeated wrong passwords, counted per typed address (known or not, so the
// lock tells a stranger nothing): from the fifth wrong password in a row the address is locked
// for LOCK_MINUTES. Logging in itself: login.ts; the link that lifts a lock: unlock.ts.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';
import { hashToken } from '../../domain/tokens.js';
import { audit } from '../../core/audit.js';

export const MAX_FAILURES = 5;
export const LOCK_MINUTES = 15;

/** The key under which wrong passwords for a typed address are counted. */
export const throttleKey = (email: string) => hashToken(`login:${email.trim().toLowerCase()}`);

/** The counter row of an address, locked until the transaction ends: attempts that arrive together all count. */
export async function throttleRow(
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
export async function countFailure(
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

/** Forgets counters of addresses that have been quiet for a day (the periodic job). */
export async function forgetOldAttempts(db: Kysely<Database>, now: Date): Promise<void> {
  const dayAgo = new Date(now.getTime() - 24 * 3600_000);
  await db
    .deleteFrom('login_throttle')
    .where('updated_at', '<', dayAgo)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]))
    .execute();
}
