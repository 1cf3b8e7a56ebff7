// Delivery that survives faults: each message is marked sent the moment the SMTP server accepts
// it, carries a Message-ID fixed per outbox row, goes over one reused connection, and a full
// disk (file mode) keeps it waiting instead of losing it. Real SMTP receiver, real database,
// real files; the app's clock is fixed.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readdir, rm, symlink } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import { sql } from 'kysely';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { CLAIM_SECONDS, enqueueMail } from '../../src/core/mail/outbox.js';

// The app's clock; a new outbox message is due at once (its next attempt starts at -infinity).
const T0 = new Date('2030-03-04T09:00:00Z');

interface Receiver {
  url: string;
  messages: ParsedMail[];
  connections: number;
  /** Runs before a message is answered with 250 (to look at the database at that moment). */
  beforeAccept: ((mail: ParsedMail) => Promise<void>) | null;
  stop(): Promise<void>;
}

async function receiver(): Promise<Receiver> {
  const r: Receiver = { url: '', messages: [], connections: 0, beforeAccept: null, stop: async () => {} };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    disableReverseLookup: true,
    logger: false,
    closeTimeout: 200,
    onConnect(_session, callback) {
      r.connections += 1;
      callback();
    },
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then(async (mail) => {
          await r.beforeAccept?.(mail);
          r.messages.push(mail);
          callback();
        })
        .catch((err: unknown) => callback(err as Error));
    },
  });
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  r.url = `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
  r.stop = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return r;
}

describe('mail delivery over SMTP', () => {
  let smtp: Receiver;
  let t: TestApp;
  let clock = T0;

  beforeAll(async () => {
    smtp = await receiver();
    t = await createTestApp({
      config: { smtpUrl: smtp.url, mailFrom: 'Wijkteam <noreply@wijkteam.example.nl>' },
      now: () => clock,
    });
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.stop();
  });
  afterEach(async () => {
    smtp.messages.splice(0);
    smtp.beforeAccept = null;
    await t.app.db.deleteFrom('outbox_message').execute();
  });

  const enqueue = (n: number) =>
    Promise.all(
      Array.from({ length: n }, (_, i) =>
        enqueueMail(t.app.db, { to: `bewoner${i}@example.nl`, subject: `Bericht ${i}`, text: `Tekst ${i}` }),
      ),
    );

  it('marks each message sent as soon as the server accepted it, over one reused connection', async () => {
    const ids = (await enqueue(6)).sort((a, b) => a - b);
    const before = smtp.connections;
    const seenSent: number[] = [];
    smtp.beforeAccept = async () => {
      // While message k waits for its "250 OK", messages 1..k-1 are already marked sent.
      const rows = await t.app.db.selectFrom('outbox_message').select('id').where('status', '=', 'sent').execute();
      seenSent.push(rows.length);
    };
    expect(await t.app.mail.flush()).toBe(6);
    expect(seenSent).toEqual([0, 1, 2, 3, 4, 5]);
    expect(smtp.connections - before).toBe(1);

    const rows = await t.app.db
      .selectFrom('outbox_message')
      .select(['id', 'status', 'message_key'])
      .orderBy('id')
      .execute();
    expect(rows.map((r) => r.status)).toEqual(Array(6).fill('sent'));
    expect(rows.map((r) => r.id)).toEqual(ids);
    // Each mail carries its row's Message-ID, on the sender's domain.
    expect(smtp.messages.map((m) => m.messageId)).toEqual(rows.map((r) => `<${r.message_key}@wijkteam.example.nl>`));
    expect(new Set(rows.map((r) => r.message_key)).size).toBe(6);
  });

  it('claims messages for seconds, not minutes', async () => {
    const [id] = await enqueue(1);
    smtp.beforeAccept = async () => {
      const row = await t.app.db
        .selectFrom('outbox_message')
        .select('next_attempt_at')
        .where('id', '=', id!)
        .executeTakeFirstOrThrow();
      expect(row.next_attempt_at.getTime()).toBe(clock.getTime() + CLAIM_SECONDS * 1000);
    };
    expect(CLAIM_SECONDS).toBeLessThanOrEqual(30);
    expect(await t.app.mail.flush()).toBe(1);
  });

  it('sends a message at most once more when marking it failed, with the same Message-ID, and the rest of the batch once', async () => {
    const ids = (await enqueue(4)).sort((a, b) => a - b);
    const first = ids[0]!;
    // Marking the first message sent fails for real (as when the process dies right after the
    // server accepted it): the database refuses that one update.
    await sql
      .raw(
        `create function kt_refuse_sent() returns trigger language plpgsql as $$ begin
           if new.id = ${first} and new.status = 'sent' then raise exception 'refused for this test'; end if;
           return new; end $$`,
      )
      .execute(t.app.db);
    await sql`create trigger kt_refuse_sent before update on outbox_message for each row execute function kt_refuse_sent()`.execute(
      t.app.db,
    );
    try {
      await expect(t.app.mail.flush()).rejects.toThrow(/refused for this test/);
    } finally {
      await sql`drop trigger kt_refuse_sent on outbox_message`.execute(t.app.db);
      await sql`drop function kt_refuse_sent()`.execute(t.app.db);
    }
    expect(smtp.messages).toHaveLength(1);
    // Still claimed: another worker does not take them at once …
    expect(await t.app.mail.flush()).toBe(0);
    // … but once the short claim ran out, all four go, the first one for the second time.
    clock = new Date(clock.getTime() + CLAIM_SECONDS * 1000);
    expect(await t.app.mail.flush()).toBe(4);
    const byId = new Map<string, number>();
    for (const m of smtp.messages) byId.set(m.messageId!, (byId.get(m.messageId!) ?? 0) + 1);
    expect(smtp.messages).toHaveLength(5);
    expect([...byId.values()].sort()).toEqual([1, 1, 1, 2]);
    const key = await t.app.db
      .selectFrom('outbox_message')
      .select('message_key')
      .where('id', '=', first)
      .executeTakeFirstOrThrow();
    expect(byId.get(`<${key.message_key}@wijkteam.example.nl>`)).toBe(2);
  });
});

describe('mail written to files', () => {
  let t: TestApp;
  let dataDir: string;
  const clock = T0;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'kt-mail-'));
    t = await createTestApp({ config: { smtpUrl: null, dataDir }, now: () => clock });
  });
  afterAll(async () => {
    await t?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps a message waiting while the disk is full, and writes it whole once there is room', async () => {
    const id = await enqueueMail(t.app.db, {
      to: 'bewoner@example.nl',
      subject: 'Bevestiging',
      text: 'Uw afspraak staat.',
    });
    const mailDir = path.join(dataDir, 'mail');
    const name = String(id).padStart(6, '0');
    await rm(mailDir, { recursive: true, force: true });
    await import('node:fs/promises').then((fs) => fs.mkdir(mailDir, { recursive: true }));
    // /dev/full answers every write with ENOSPC, as a full disk does.
    await symlink('/dev/full', path.join(mailDir, `.${name}.eml.partial`));

    expect(await t.app.mail.flush()).toBe(0);
    const waiting = await t.app.db
      .selectFrom('outbox_message')
      .select(['status', 'attempts', 'last_error'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(waiting).toEqual({ status: 'pending', attempts: 0, last_error: expect.stringMatching(/ENOSPC/) });
    expect(existsSync(path.join(mailDir, `${name}.eml`))).toBe(false);

    // Room again.
    await rm(path.join(mailDir, `.${name}.eml.partial`));
    expect(await t.app.mail.flush()).toBe(1);
    expect(await readdir(mailDir)).toEqual([`${name}.eml`]);
    const row = await t.app.db
      .selectFrom('outbox_message')
      .select('status')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('sent');
  });
});
