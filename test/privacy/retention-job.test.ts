// The retention job with a moved clock (the app's `now`), on the database the suite runs on:
// cases just inside and just outside each term, cancelled with and without later contact, open
// and closed safety-flagged ones, mails just inside and outside the mail term. Row by row: what
// was anonymised lost every personal field and kept every figure's field; the rest did not
// change at all. The dry run's counts are what the run then does; a second run does nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { audit } from '../../src/core/audit.js';
import { ANONYMISED_NAME } from '../../src/core/anonymise.js';
import { emailHash, phoneHash } from '../../src/core/pseudonym.js';
import { runRetention } from '../../src/features/retention/service.js';
import { at, daysBefore, HOUR, makeCase, monthsBefore, rowsOf, world, type Case } from './retention-world.js';

const NOW = at('2027-06-15T10:00');

describe('the retention job', () => {
  let t: TestApp;
  const cases: Record<string, Case> = {};
  const before: Record<string, Awaited<ReturnType<typeof rowsOf>>> = {};
  const mails: Record<string, number> = {};

  beforeAll(async () => {
    t = await createTestApp({ now: () => NOW });
    const db = t.app.db;
    // Audit entries first (the chain is pruned from its start): two older than 5 years, one not.
    await audit(db, { action: 'test_old', at: new Date(NOW.getTime() - 6 * 365 * 24 * HOUR) });
    await audit(db, { action: 'test_old', at: new Date(NOW.getTime() - (5 * 365 + 3) * 24 * HOUR) });
    await audit(db, { action: 'test_recent', at: new Date(NOW.getTime() - 4 * 365 * 24 * HOUR) });
    const w = await world(db);
    const add = async (c: Parameters<typeof makeCase>[2]) => {
      cases[c.tag] = await makeCase(db, w, c);
    };
    const year = monthsBefore(NOW, 12);
    const quarter = monthsBefore(NOW, 3);
    // Closed: one hour past the 12 months, and one hour short of them.
    await add({
      tag: 'closed-due',
      status: 'closed',
      submittedAt: monthsBefore(NOW, 15),
      closedAt: new Date(year.getTime() - HOUR),
      firstContactAt: monthsBefore(NOW, 14),
      appointment: { status: 'held', outcome: 'held' },
      withReferrer: true,
    });
    await add({
      tag: 'closed-kept',
      status: 'closed',
      submittedAt: monthsBefore(NOW, 14),
      closedAt: new Date(year.getTime() + HOUR),
      firstContactAt: monthsBefore(NOW, 13),
      appointment: { status: 'held', outcome: 'held' },
    });
    // Cancelled without contact: past and short of the 3 months.
    await add({
      tag: 'cancelled-due',
      status: 'cancelled',
      submittedAt: monthsBefore(NOW, 4),
      closedAt: new Date(quarter.getTime() - HOUR),
      appointment: { status: 'cancelled', outcome: 'cancelled' },
    });
    await add({
      tag: 'cancelled-kept',
      status: 'cancelled',
      submittedAt: monthsBefore(NOW, 4),
      closedAt: new Date(quarter.getTime() + HOUR),
      appointment: { status: 'cancelled', outcome: 'cancelled' },
    });
    // Cancelled after a conversation: the closed term (12 months) applies, not the 3 months.
    await add({
      tag: 'contact-kept',
      status: 'cancelled',
      submittedAt: monthsBefore(NOW, 6),
      closedAt: monthsBefore(NOW, 5),
      firstContactAt: monthsBefore(NOW, 6, 7 * 24 * HOUR),
      appointment: { status: 'held', outcome: 'held' },
    });
    await add({
      tag: 'contact-due',
      status: 'cancelled',
      submittedAt: monthsBefore(NOW, 14),
      closedAt: monthsBefore(NOW, 13),
      firstContactAt: monthsBefore(NOW, 14, 7 * 24 * HOUR),
    });
    // Safety-flagged: open for years stays; closed 13 months ago goes.
    await add({
      tag: 'safety-open',
      status: 'scheduled',
      submittedAt: monthsBefore(NOW, 30),
      safety: true,
      appointment: { status: 'booked' },
    });
    await add({
      tag: 'safety-closed',
      status: 'closed',
      submittedAt: monthsBefore(NOW, 15),
      closedAt: monthsBefore(NOW, 13),
      safety: true,
      firstContactAt: monthsBefore(NOW, 15),
    });
    // Open without any contact for two years: never anonymised.
    await add({ tag: 'open-old', status: 'new', submittedAt: monthsBefore(NOW, 24) });
    // One resident, an old closed request and an open one: the request goes, the resident stays.
    await add({
      tag: 'both-closed',
      status: 'closed',
      submittedAt: monthsBefore(NOW, 20),
      closedAt: monthsBefore(NOW, 18),
    });
    await add({
      tag: 'both-open',
      status: 'new',
      submittedAt: monthsBefore(NOW, 1),
      residentId: cases['both-closed']!.residentId,
    });

    const mail = async (tag: string, status: 'sent' | 'pending' | 'failed', when: Date) => {
      const row = await db
        .insertInto('outbox_message')
        .values({
          to_address: `${tag}@post.example.nl`,
          subject: `Onderwerp ${tag}`,
          body_text: `Tekst ${tag} https://portal.example.nl/afspraak/geheim`,
          body_html: `<p>${tag}</p>`,
          ics: 'BEGIN:VCALENDAR',
          status,
          created_at: when,
          sent_at: status === 'sent' ? when : null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      mails[tag] = row.id;
    };
    await mail('mail-due', 'sent', daysBefore(NOW, 7, -HOUR));
    await mail('mail-kept', 'sent', daysBefore(NOW, 7, HOUR));
    await mail('mail-failed-due', 'failed', daysBefore(NOW, 8));
    await mail('mail-pending', 'pending', daysBefore(NOW, 30));
    // A mail to a resident who is anonymised: its address goes too.
    await db
      .insertInto('outbox_message')
      .values({
        to_address: cases['closed-due']!.email,
        subject: 'Uw afspraak',
        body_text: 'Beste',
        status: 'sent',
        sent_at: monthsBefore(NOW, 14),
      })
      .execute();
    for (const [tag, c] of Object.entries(cases)) before[tag] = await rowsOf(db, c);
  });
  afterAll(async () => t.close());

  const anonymised = ['closed-due', 'cancelled-due', 'contact-due', 'safety-closed', 'both-closed'];
  const kept = ['closed-kept', 'cancelled-kept', 'contact-kept', 'safety-open', 'open-old', 'both-open'];

  it('counts in the dry run exactly what the run then does, and changes nothing while counting', async () => {
    const db = t.app.db;
    const dry = await runRetention(db, NOW, { dryRun: true });
    expect(dry).toEqual({
      mailBodiesPurged: 3,
      cancelledSignupsAnonymised: 1,
      closedRequestsAnonymised: 4,
      auditEntriesPruned: 2,
      // Written straight into the table (as before the hashes existed): every resident.
      hashesFilled: 10,
    });
    for (const [tag, c] of Object.entries(cases)) expect(await rowsOf(db, c)).toEqual(before[tag]);
    const done = await runRetention(db, NOW, { dryRun: false });
    expect(done).toEqual(dry);
  });

  it('anonymises exactly the due requests: personal fields gone, every figure field kept', async () => {
    const db = t.app.db;
    for (const tag of anonymised) {
      const was = before[tag]!;
      const now = await rowsOf(db, cases[tag]!);
      expect(now.request, tag).toEqual({
        ...was.request,
        question: ANONYMISED_NAME,
        close_note: null,
        callback_note: null,
        lead_note: null,
        companion: null,
        no_consent_reason: was.request.consent_referrer_form === 'none_veilig_thuis' ? ANONYMISED_NAME : null,
        referrer_done: null,
        referrer_token_hash: null,
        anonymised_at: NOW,
      });
      if (was.appointment) {
        expect(now.appointment, tag).toEqual({
          ...was.appointment,
          call_note: null,
          cancel_reason: null,
          referrer_location: null,
          manage_token_hash: `anonymised:${was.appointment.id}`,
          // Raised by the database when the place changes (the calendar file's SEQUENCE).
          sequence: now.appointment!.sequence,
        });
        expect(now.manageLinks).toEqual([]);
      }
    }
  });

  it('anonymises a resident only once every request of theirs is, keeping the keyed hashes and four figures', async () => {
    const db = t.app.db;
    for (const tag of ['closed-due', 'cancelled-due', 'contact-due', 'safety-closed']) {
      const was = before[tag]!.resident;
      const now = (await rowsOf(db, cases[tag]!)).resident;
      expect(now, tag).toEqual({
        ...was,
        name: ANONYMISED_NAME,
        email: null,
        phone: null,
        street: null,
        city: null,
        house_number: null,
        date_of_birth: null,
        postcode: '6811',
        email_hash: emailHash(was.email),
        phone_hash: phoneHash(was.phone),
        anonymised_at: NOW,
      });
      expect(now.email_hash).toMatch(/^[0-9a-f]{64}$/);
    }
    // The resident with an open request keeps everything (the hashes are filled).
    const both = (await rowsOf(db, cases['both-closed']!)).resident;
    expect(both).toEqual({
      ...before['both-closed']!.resident,
      email_hash: emailHash(before['both-closed']!.resident.email),
      phone_hash: phoneHash(before['both-closed']!.resident.phone),
    });
  });

  it('leaves every other case as it was (only the hashes filled)', async () => {
    const db = t.app.db;
    for (const tag of kept) {
      const was = before[tag]!;
      const now = await rowsOf(db, cases[tag]!);
      expect(now, tag).toEqual({
        ...was,
        resident: {
          ...was.resident,
          email_hash: emailHash(was.resident.email),
          phone_hash: phoneHash(was.resident.phone),
        },
      });
    }
  });

  it('clears a referrer no remaining request uses, keeping the kind and organisation', async () => {
    const was = before['closed-due']!.referrer!;
    const now = (await rowsOf(t.app.db, cases['closed-due']!)).referrer;
    expect(now).toEqual({ ...was, name: ANONYMISED_NAME, phone: null, email: null, agb_code: null });
  });

  it('purges the text of mails past the term, keeping who, when and what kind', async () => {
    const db = t.app.db;
    const rows = await db.selectFrom('outbox_message').selectAll().orderBy('id').execute();
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const tag of ['mail-due', 'mail-failed-due']) {
      expect(byId.get(mails[tag]!), tag).toMatchObject({
        to_address: `${tag}@post.example.nl`,
        subject: `Onderwerp ${tag}`,
        body_text: null,
        body_html: null,
        ics: null,
        payload: null,
        purged_at: NOW,
      });
    }
    for (const tag of ['mail-kept', 'mail-pending']) {
      expect(byId.get(mails[tag]!), tag).toMatchObject({
        body_text: `Tekst ${tag} https://portal.example.nl/afspraak/geheim`,
        purged_at: null,
      });
    }
    // The anonymised resident's mail: no address left either.
    expect(rows.filter((r) => r.to_address === cases['closed-due']!.email)).toEqual([]);
  });

  it('prunes audit entries older than the term, from the start of the chain', async () => {
    const actions = await t.app.db
      .selectFrom('audit_event')
      .select('action')
      .where('action', 'like', 'test_%')
      .execute();
    expect(actions.map((a) => a.action)).toEqual(['test_recent']);
  });

  it('audits the run with its counts only', async () => {
    const runs = await t.app.db.selectFrom('audit_event').selectAll().where('action', '=', 'retention_run').execute();
    expect(runs).toHaveLength(1);
    expect(runs[0]!.detail).toEqual({
      mailBodiesPurged: 3,
      cancelledSignupsAnonymised: 1,
      closedRequestsAnonymised: 4,
      auditEntriesPruned: 2,
      hashesFilled: 10,
    });
  });

  it('does nothing on a second run', async () => {
    const db = t.app.db;
    const snapshot = await Promise.all(Object.values(cases).map((c) => rowsOf(db, c)));
    const zero = {
      mailBodiesPurged: 0,
      cancelledSignupsAnonymised: 0,
      closedRequestsAnonymised: 0,
      auditEntriesPruned: 0,
      hashesFilled: 0,
    };
    expect(await runRetention(db, NOW, { dryRun: true })).toEqual(zero);
    expect(await runRetention(db, NOW, { dryRun: false })).toEqual(zero);
    expect(await Promise.all(Object.values(cases).map((c) => rowsOf(db, c)))).toEqual(snapshot);
  });

  it('runs as the periodic task "retention"', async () => {
    const done = await t.app.jobs.runOnce();
    expect(done.retention).toBe(0);
  });
});
