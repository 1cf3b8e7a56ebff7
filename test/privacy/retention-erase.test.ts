// Erasure (art. 17) as core/anonymise.ts does it for the privacy desk: after eraseResident no
// table holds anything that identifies the person (name, address, phone, street, date of birth,
// question, notes, their keyed hashes, their return links, the mails to them or naming them),
// while another resident's case, ids, moments and outcomes are untouched. Checked by scanning
// every row of every table; on the database the suite runs on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { scanTables } from '../helpers/scan-tables.js';
import { eraseResident } from '../../src/core/anonymise.js';
import { emailHash, phoneHash } from '../../src/core/pseudonym.js';
import { hashToken } from '../../src/domain/tokens.js';
import { runRetention } from '../../src/features/retention/service.js';
import { at, makeCase, monthsBefore, rowsOf, world, type Case } from './retention-world.js';

const NOW = at('2027-06-15T10:00');

describe('erasing a resident', () => {
  let t: TestApp;
  let gone: Case;
  let gone2: Case;
  let other: Case;
  let otherBefore: Awaited<ReturnType<typeof rowsOf>>;

  beforeAll(async () => {
    t = await createTestApp({ now: () => NOW });
    const db = t.app.db;
    const w = await world(db);
    gone = await makeCase(db, w, {
      tag: 'wisgeval',
      status: 'closed',
      submittedAt: monthsBefore(NOW, 5),
      closedAt: monthsBefore(NOW, 4),
      firstContactAt: monthsBefore(NOW, 5),
      appointment: { status: 'held', outcome: 'held' },
      withReferrer: true,
    });
    // An open request of the same person: erased too.
    gone2 = await makeCase(db, w, {
      tag: 'wisgeval-open',
      status: 'new',
      submittedAt: monthsBefore(NOW, 1),
      residentId: gone.residentId,
    });
    other = await makeCase(db, w, { tag: 'blijfgeval', status: 'new', submittedAt: monthsBefore(NOW, 1) });
    await runRetention(db, NOW, { dryRun: false }); // fills the keyed hashes
    otherBefore = await rowsOf(db, other);
    // Mails: to them (pending and sent), and to their coach naming them.
    await db
      .insertInto('outbox_message')
      .values([
        {
          to_address: gone.email,
          subject: 'Uw afspraak',
          body_text: 'Beste Naam wisgeval',
          status: 'sent',
          sent_at: NOW,
        },
        { to_address: gone.email, subject: 'Herinnering', body_text: 'Beste Naam wisgeval', status: 'pending' },
        {
          to_address: 'coach@example.nl',
          subject: 'Nieuwe afspraak',
          body_text: 'Met Naam wisgeval, 06 1234 5678',
          status: 'sent',
          sent_at: NOW,
        },
        {
          to_address: other.email,
          subject: 'Uw afspraak',
          body_text: 'Beste Naam blijfgeval',
          status: 'sent',
          sent_at: NOW,
        },
      ])
      .execute();
    await db
      .insertInto('return_link')
      .values({
        token_hash: hashToken('x'),
        resident_id: gone.residentId,
        email_hash: hashToken(`return-link:${gone.email}`),
        expires_at: NOW,
        created_at: NOW,
      })
      .execute();
    await db.transaction().execute((trx) => eraseResident(trx, gone.residentId, NOW));
  });
  afterAll(async () => t.close());

  it('leaves nothing that identifies them in any table', async () => {
    const db = t.app.db;
    const needles = [
      'Naam wisgeval',
      gone.email,
      'Straat wisgeval',
      '06 1234 5678',
      '1980-02-03',
      '6811',
      'Vraag van wisgeval',
      'notitie wisgeval',
      'Begeleider wisgeval',
      'Reden wisgeval',
      'Verwijzer wisgeval',
      'verwijzer.wisgeval',
      'Locatie wisgeval',
      'Gedaan wisgeval',
      emailHash(gone.email)!,
      phoneHash('06 1234 5678')!,
      hashToken(`return-link:${gone.email}`),
    ];
    const found = await scanTables(db, needles);
    // The other resident shares the phone number, postcode and date of birth of the fixture:
    // only rows about them may hold those.
    const shared = new Set(['06 1234 5678', '1980-02-03', '6811', phoneHash('06 1234 5678')!]);
    const strange = found.filter(
      (f) => !(shared.has(f.needle) && (f.row.includes('blijfgeval') || f.table === 'resident')),
    );
    expect(strange).toEqual([]);
    const rows = await rowsOf(db, gone);
    expect(rows.resident).toMatchObject({
      email: null,
      phone: null,
      email_hash: null,
      phone_hash: null,
      postcode: null,
    });
    expect((await rowsOf(db, gone2)).request.anonymised_at).toEqual(NOW);
    expect(await db.selectFrom('return_link').selectAll().execute()).toEqual([]);
  });

  it('stops their pending mails and keeps the figures fields', async () => {
    const db = t.app.db;
    const mails = await db.selectFrom('outbox_message').selectAll().orderBy('id').execute();
    expect(mails.map((m) => [m.subject, m.status, m.body_text === null])).toEqual([
      ['Uw afspraak', 'sent', true],
      ['Herinnering', 'failed', true],
      ['Nieuwe afspraak', 'sent', true],
      ['Uw afspraak', 'sent', false],
    ]);
    const r = (await rowsOf(db, gone)).request;
    expect(r).toMatchObject({ status: 'closed', team_id: otherBefore.request.team_id, channel: 'referrer' });
    expect(r.first_contact_at).not.toBeNull();
    expect(r.closed_at).not.toBeNull();
  });

  it("leaves another resident's case as it was", async () => {
    expect(await rowsOf(t.app.db, other)).toEqual(otherBefore);
  });
});
