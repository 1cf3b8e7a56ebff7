// The one-time links mailed to staff: a password reset (features/staff-auth) and an invitation
// to a new account (features/admin). Only a link's hash is stored; the mail is in the outbox of
// the same transaction.
import type { Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import { hashToken, newToken } from '../domain/tokens.js';
import { enqueueMail } from './mail/outbox.js';
import { mailText } from './mail/render.js';
import { translator } from './i18n.js';

export const RESET_MINUTES = 60;
export const INVITE_DAYS = 7;

/** Stores a one-time link (only its hash) and queues the mail; run inside a transaction. */
export async function issueLink(
  trx: Transaction<Database>,
  user: { id: number; name: string; email: string },
  kind: 'reset' | 'invite',
  now: Date,
  publicUrl: string,
): Promise<void> {
  const token = newToken();
  const minutes = kind === 'reset' ? RESET_MINUTES : INVITE_DAYS * 24 * 60;
  const t = translator('nl');
  await trx
    .insertInto('staff_token')
    .values({
      staff_id: user.id,
      kind,
      token_hash: hashToken(token),
      expires_at: new Date(now.getTime() + minutes * 60_000),
      created_at: now,
    })
    .execute();
  await enqueueMail(trx, {
    to: user.email,
    subject: t(`staff.mail.${kind}.subject`),
    text: mailText('staff/link', 'nl', {
      name: user.name.split(' ')[0]!,
      kind,
      link: `${publicUrl}/medewerker/wachtwoord/${token}`,
    }),
  });
}

/** Every link of this person that is still open stops working (run inside a transaction). */
export async function closeLinks(trx: Transaction<Database>, staffId: number, now: Date): Promise<void> {
  await trx
    .updateTable('staff_token')
    .set({ used_at: now })
    .where('staff_id', '=', staffId)
    .where('used_at', 'is', null)
    .execute();
}
