// Notices to coaches about their blocks (planned, changed, cancelled, a partner replaced),
// written to the outbox in the transaction of the change. Staff mail is in Dutch, like the
// booking notices; never any resident's question.
import type { Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';
import { formatters } from '../../domain/time.js';
import { translator } from '../../core/i18n.js';
import { enqueueMail } from '../../core/mail/outbox.js';
import { mailText } from '../../core/mail/render.js';
import type { MailContext } from '../../core/mail/appointment-view.js';

export type NoticeKind =
  'created' | 'changed' | 'cancelled' | 'replaced' | 'solo' | 'partner' | 'partnerAdded' | 'removed';

export interface NoticeInput {
  kind: NoticeKind;
  to: { id: number; name: string; email: string }[];
  /** The staff member who made the change: gets no notice of their own doing. */
  actorId: number;
  actorName: string;
  blocks: { starts_at: Date; ends_at: Date }[];
  params?: Record<string, string | number>;
}

export async function noticeCoaches(trx: Transaction<Database>, ctx: MailContext, n: NoticeInput): Promise<void> {
  if (n.blocks.length === 0) return;
  const t = translator('nl');
  const f = formatters('nl');
  const sorted = [...n.blocks].sort((a, b) => a.starts_at.getTime() - b.starts_at.getTime());
  const first = f.range(sorted[0]!.starts_at, sorted[0]!.ends_at);
  const seen = new Set<number>();
  for (const coach of n.to) {
    if (coach.id === n.actorId || seen.has(coach.id)) continue;
    seen.add(coach.id);
    const params = { actor: n.actorName, when: first, count: sorted.length, ...n.params };
    await enqueueMail(trx, {
      to: coach.email,
      subject: t(`blocks.mail.${n.kind}.subject`, params),
      text: mailText('blocks/notice', 'nl', {
        name: coach.name.split(' ')[0]!,
        kind: n.kind,
        params,
        ranges: sorted.map((b) => f.range(b.starts_at, b.ends_at)),
        link: `${ctx.publicUrl}/medewerker/blokken`,
      }),
    });
  }
}
