// The link that lifts the lock on an address and logs the person in, mailed when the right
// password is typed while the address is locked (login.ts): a stranger can make a coach wait,
// but the coach gets in with their password and mailbox.
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';
import { hashToken, newToken } from '../../domain/tokens.js';
import { translator } from '../../core/i18n.js';
import { audit } from '../../core/audit.js';
import { enqueueMail } from '../../core/mail/outbox.js';
import { mailText } from '../../core/mail/render.js';
import { liftLock } from './throttle.js';

export const UNLOCK_MINUTES = 15;

/** At most one unlock mail per UNLOCK_MINUTES for a person. */
export async function mailUnlockLink(
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
    text: mailText('staff/unlock', 'nl', {
      name: user.name.split(' ')[0]!,
      link: `${publicUrl}/medewerker/ontgrendelen/${token}`,
    }),
  });
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
