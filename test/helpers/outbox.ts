// Mails on the booking's hot path are stored as facts and written by the worker just before it
// sends them (src/core/mail/later.ts). A test that reads what a mail says calls renderOutbox
// first: it writes each pending row's body and .ics into the row with the worker's own renderer
// (renderStored) and the portal's mail context, so the row reads as the mail that goes out.
import type { FastifyInstance } from 'fastify';
import { renderStored } from '../../src/core/mail/later.js';

export async function renderOutbox(app: FastifyInstance): Promise<void> {
  const rows = await app.db
    .selectFrom('outbox_message')
    .select(['id', 'to_address', 'subject', 'body_text', 'body_html', 'ics', 'kind', 'payload'])
    .where('body_text', 'is', null)
    .orderBy('id')
    .execute();
  for (const row of rows) {
    const mail = renderStored(row, app.mailContext());
    await app.db
      .updateTable('outbox_message')
      .set({ body_text: mail.body_text, ics: mail.ics })
      .where('id', '=', row.id)
      .execute();
  }
}
