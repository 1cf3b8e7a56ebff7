// The mail files (DATA_DIR/mail/<id>.eml, written without SMTP_URL) go with their mails' texts:
// the retention job, run by the app's own jobs with a real temporary data folder, deletes the
// file of every outbox row it purges, purged before or no longer there, and nothing else; a
// second run deletes nothing; no folder is nothing to do. Erasure at the privacy desk deletes
// the erased person's files at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { onServer } from '../helpers/db.js';
import { makeRequest } from '../helpers/fixtures.js';
import { loggedIn, makeLogin } from '../helpers/staff.js';
import {
  deletePurgedMailFiles,
  mailFileId,
  mailFileName,
  partialMailFileName,
} from '../../src/core/mail/mail-files.js';
import { at, daysBefore } from './retention-world.js';

const NOW = at('2027-06-15T10:00');

describe(`mail files and retention (${onServer ? 'server' : 'embedded'})`, () => {
  let t: TestApp;
  let dataDir: string;
  let mailDir: string;
  const ids: Record<string, number> = {};

  const mail = async (tag: string, values: { status: 'sent' | 'pending'; sentAt?: Date; purgedAt?: Date }) => {
    const row = await t.app.db
      .insertInto('outbox_message')
      .values({
        to_address: `${tag}@post.example.nl`,
        subject: `Onderwerp ${tag}`,
        body_text: values.purgedAt ? null : `Tekst ${tag}`,
        status: values.status,
        sent_at: values.sentAt ?? null,
        purged_at: values.purgedAt ?? null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    ids[tag] = row.id;
    await writeFile(path.join(mailDir, mailFileName(row.id)), `To: ${tag}@post.example.nl\n\nTekst ${tag}\n`);
    return row.id;
  };
  const files = async () => (await readdir(mailDir)).sort();

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'kt-mail-files-'));
    mailDir = path.join(dataDir, 'mail');
    await mkdir(mailDir);
    t = await createTestApp({ now: () => NOW, config: { dataDir } });
  });
  afterAll(async () => {
    await t?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('reads an id only from the names the sender writes', () => {
    expect(mailFileId('000042.eml')).toBe(42);
    expect(mailFileId('.000042.eml.partial')).toBe(42);
    expect(mailFileId('1234567.eml')).toBe(1234567);
    for (const name of ['42.eml', '0000042.eml', '000042.eml.bak', '000042.EML', 'x000042.eml', '000042.eml.partial'])
      expect(mailFileId(name), name).toBeNull();
  });

  it('deletes the files of mails purged now, purged before or gone, and keeps every other file', async () => {
    await mail('due', { status: 'sent', sentAt: daysBefore(NOW, 8) });
    await mail('recent', { status: 'sent', sentAt: daysBefore(NOW, 1) });
    await mail('pending', { status: 'pending' });
    const earlier = await mail('earlier', {
      status: 'sent',
      sentAt: daysBefore(NOW, 30),
      purgedAt: daysBefore(NOW, 20),
    });
    // A half-written message of a purged row (a crash while writing) is ours too.
    await writeFile(path.join(mailDir, partialMailFileName(earlier)), 'half');
    // The file of a row that no longer exists (say, an older database).
    const gone = earlier + 1000;
    await writeFile(path.join(mailDir, mailFileName(gone)), 'old');
    // Not ours: other names, and a folder with a mail file's name.
    const unrelated = ['notes.txt', '42.eml', `${mailFileName(gone)}.bak`, `0${mailFileName(gone)}`];
    for (const name of unrelated) await writeFile(path.join(mailDir, name), 'keep');
    await mkdir(path.join(mailDir, mailFileName(gone + 1)));

    const counts = await t.app.jobs.runOnce();
    expect(counts.retention).toBeGreaterThanOrEqual(1 + 4);
    expect(await files()).toEqual(
      [mailFileName(ids.recent!), mailFileName(ids.pending!), mailFileName(gone + 1), ...unrelated].sort(),
    );
    const purged = await t.app.db
      .selectFrom('outbox_message')
      .select(['id', 'purged_at'])
      .where('purged_at', 'is not', null)
      .orderBy('id')
      .execute();
    expect(purged.map((r) => r.id)).toEqual([ids.due, ids.earlier]);
    const run = await t.app.db
      .selectFrom('audit_event')
      .select('detail')
      .where('action', '=', 'retention_run')
      .executeTakeFirstOrThrow();
    expect(run.detail).toMatchObject({ mailBodiesPurged: 1, mailFilesDeleted: 4 });
  });

  it('deletes nothing on a second run', async () => {
    const before = await files();
    await t.app.jobs.runOnce();
    expect(await files()).toEqual(before);
    expect(await deletePurgedMailFiles(t.app.db, mailDir)).toBe(0);
  });

  it("deletes the erased person's files at once, and nobody else's", async () => {
    const desk = await loggedIn(t.app, (await makeLogin(t.app, null, 'privacy')).email);
    const q = await makeRequest(t.app.db, null);
    await t.app.db
      .updateTable('request')
      .set({ status: 'closed', closed_at: daysBefore(NOW, 2) })
      .where('id', '=', q.id)
      .execute();
    const resident = await t.app.db
      .selectFrom('resident')
      .select('email')
      .where('id', '=', q.resident_id)
      .executeTakeFirstOrThrow();
    const hers = await mail('hers', { status: 'sent', sentAt: daysBefore(NOW, 1) });
    await t.app.db.updateTable('outbox_message').set({ to_address: resident.email! }).where('id', '=', hers).execute();
    const before = await files();
    expect(before).toContain(mailFileName(hers));
    const res = await desk.submit(`/medewerker/privacy/personen/${q.resident_id}/wissen`, {
      reason: 'art17_request',
      confirm: 'yes',
    });
    expect(res.statusCode).toBe(303);
    expect(await files()).toEqual(before.filter((f) => f !== mailFileName(hers)));
  });

  it('has nothing to do without the folder, or without a data folder', async () => {
    await rm(mailDir, { recursive: true });
    await t.app.jobs.runOnce();
    expect(await deletePurgedMailFiles(t.app.db, mailDir)).toBe(0);
    expect(await deletePurgedMailFiles(t.app.db, null)).toBe(0);
  });
});
