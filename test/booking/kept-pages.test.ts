// The calendar page is served from memory (free times, the page itself, the sign-up's draft).
// Whatever is kept, a resident must never see a time that is gone, a coach's new block must
// show at once, every visitor gets their own CSRF token, and a second server's write to a
// draft must be seen.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { Client, createTestApp, csrfFrom, type TestApp } from '../helpers/app.js';
import { makeBlock, makeStaff, makeTeam } from '../helpers/fixtures.js';
import { onServer } from '../helpers/db.js';
import { openDatabase, type DbHandle } from '../../src/db/client.js';
import { loggedIn, makeLogin } from '../helpers/staff.js';
import { parseSlotKey, slotInputId } from '../../src/domain/slots.js';
import { keptDraftCount } from '../../src/core/drafts.js';

const at = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/Amsterdam' }).toJSDate();
const NOW = at('2026-11-24T10:00');

/** The times offered on a calendar page, as "dd-MM HH:mm" in Amsterdam time. */
function offered(html: string): string[] {
  return [...html.matchAll(/name="slot" id="[^"]+" value="([^"]+)"/g)].map((m) =>
    DateTime.fromJSDate(parseSlotKey(m[1]!)!.start, { zone: 'Europe/Amsterdam' }).toFormat('dd-MM HH:mm'),
  );
}

function checkedSlot(html: string): string | null {
  const m = /<input type="radio" name="slot" id="[^"]+" value="([^"]+)" checked>/.exec(html);
  return m ? m[1]! : null;
}

/** A resident's session that has given a postcode and a question: at the calendar page. */
async function atCalendar(app: TestApp['app'], postcode: string, question = 'Hulp bij post'): Promise<Client> {
  const c = new Client(app);
  await c.submit('/aanmelden', { postcode, houseNumber: '1' });
  const res = await c.submit('/aanmelden/vraag', {
    question,
    topics: ['money'],
    about: 'self',
    dangerNow: 'no',
    urgent24h: 'no',
  });
  expect(res.headers.location).toBe('/aanmelden/moment');
  return c;
}

/** Books `slot` for the resident at the calendar page, through the details and check steps. */
async function book(c: Client, slot: string, name = 'Bea Bewoner'): Promise<void> {
  expect((await c.submit('/aanmelden/moment', { slot, mode: 'home' })).headers.location).toBe('/aanmelden/gegevens');
  await c.submit('/aanmelden/gegevens', {
    name,
    email: 'bea@example.nl',
    phone: '',
    street: 'Steenstraat',
    city: 'Arnhem',
    language: 'nl',
    dateOfBirth: '',
    companion: '',
    consent: 'yes',
  });
  const res = await c.submit('/aanmelden/controleren', {});
  expect(res.headers.location).toBe('/aanmelden/bevestiging');
}

describe('the calendar page kept in memory', () => {
  let t: TestApp;
  let teamId: number;
  let coachIds: number[];
  let blockId: number;
  beforeAll(async () => {
    t = await createTestApp({ now: () => NOW });
    const team = await makeTeam(t.app.db, { name: 'Wijkteam Centrum', from: '6811AA', to: '6814ZZ' });
    teamId = team.id;
    await makeLogin(t.app, team.id, 'teamlead', 'Lotte Leider');
    const a = await makeStaff(t.app.db, team.id, { name: 'Fatima El Amrani' });
    const b = await makeStaff(t.app.db, team.id, { name: 'Jeroen Bakker' });
    coachIds = [a.id, b.id];
    blockId = await makeBlock(t.app.db, {
      teamId: team.id,
      start: at('2026-12-08T09:00'),
      end: at('2026-12-08T12:00'),
      coachIds,
    });
  });
  afterAll(async () => t.close());

  const atMoment = (app = t.app) => atCalendar(app, '6811AB');

  it('gives every visitor their own CSRF token, which works', async () => {
    const anna = await atMoment();
    const ben = await atMoment();
    const pageA = await anna.get('/aanmelden/moment');
    const pageB = await ben.get('/aanmelden/moment');
    expect(offered(pageA.body)).toEqual(offered(pageB.body));
    const tokenA = csrfFrom(pageA.body);
    const tokenB = csrfFrom(pageB.body);
    expect(tokenA).not.toBe(tokenB);
    expect(pageA.body.replace(tokenA, '')).toBe(pageB.body.replace(tokenB, ''));
    expect(pageA.headers['content-type']).toMatch(/^text\/html/);
    // Each token belongs to its own session: swapped, both are refused.
    const slot = `${blockId}_${at('2026-12-08T09:00').toISOString()}`;
    expect((await anna.post('/aanmelden/moment', { _csrf: tokenB, slot, mode: 'home' })).statusCode).toBe(403);
    expect((await anna.post('/aanmelden/moment', { _csrf: tokenA, slot, mode: 'home' })).headers.location).toBe(
      '/aanmelden/gegevens',
    );
    expect((await ben.post('/aanmelden/moment', { _csrf: tokenB, slot, mode: 'home' })).headers.location).toBe(
      '/aanmelden/gegevens',
    );
  });

  it('never shows one resident’s answers to another: the kept page holds only what its key names', async () => {
    // Two residents with nothing in common but the team and the free times.
    const visit = (postcode: string, question: string) => atCalendar(t.app, postcode, question);
    const anna = await visit('6811AB', 'Schulden bij de energieleverancier van Anna');
    const ben = await visit('6814ZA', 'Ben zoekt hulp bij zijn buurman');
    const pageA = await anna.get('/aanmelden/moment');
    const pageB = await ben.get('/aanmelden/moment');
    for (const [page, foreign] of [
      [pageA.body, ['Ben zoekt', '6814ZA', csrfFrom(pageB.body)]],
      [pageB.body, ['Anna', '6811AB', csrfFrom(pageA.body)]],
    ] as const) {
      for (const x of foreign) expect(page).not.toContain(x);
    }
    // Outside production every kept page is also compared with a fresh render for the visitor
    // asking (src/plugins/view.ts), so each of these requests proved it is that visitor's page.
    expect([pageA.statusCode, pageB.statusCode, (await anna.get('/aanmelden/moment')).statusCode]).toEqual([
      200, 200, 200,
    ]);
  });

  it('keeps the chosen time and the language per visitor', async () => {
    const c = await atMoment();
    const slot = `${blockId}_${at('2026-12-08T10:30').toISOString()}`;
    await c.submit('/aanmelden/moment', { slot, mode: 'phone' });
    const mine = await c.get('/aanmelden/moment');
    expect(checkedSlot(mine.body)).toBe(slot);
    expect(mine.body).toContain(`id="${slotInputId(parseSlotKey(slot)!)}"`);
    expect(mine.body).toMatch(/id="mode-phone" name="mode" value="phone" checked/);
    const other = await (await atMoment()).get('/aanmelden/moment');
    expect(checkedSlot(other.body)).toBeNull();
    const english = await c.get('/aanmelden/moment?lang=en');
    expect(english.body).toContain('<html lang="en"');
    expect(english.body).toContain('Tuesday 8 December 2026');
    expect(checkedSlot(english.body)).toBe(slot);
    expect((await c.get('/aanmelden/moment?lang=nl')).body).toContain('dinsdag 8 december 2026');
  });

  it('no longer offers a time the moment another resident booked it', async () => {
    const watcher = await atMoment();
    const before = offered((await watcher.get('/aanmelden/moment')).body);
    expect(before).toContain('08-12 10:30');
    await book(await atMoment(), `${blockId}_${at('2026-12-08T10:30').toISOString()}`);
    const after = offered((await watcher.get('/aanmelden/moment')).body);
    expect(after).not.toContain('08-12 10:30');
    expect(after).toEqual(before.filter((x) => x !== '08-12 10:30'));
  });

  it('shows a new block at once, and drops a cancelled one at once', async () => {
    const c = await atMoment();
    expect(offered((await c.get('/aanmelden/moment')).body)).not.toContain('09-12 13:00');
    const newBlock = await makeBlock(t.app.db, {
      teamId,
      start: at('2026-12-09T13:00'),
      end: at('2026-12-09T16:00'),
      coachIds,
    });
    expect(offered((await c.get('/aanmelden/moment')).body)).toEqual(
      expect.arrayContaining(['09-12 13:00', '09-12 14:30']),
    );
    const lead = await loggedIn(
      t.app,
      (await t.app.db.selectFrom('staff_user').select('email').where('role', '=', 'teamlead').executeTakeFirstOrThrow())
        .email,
    );
    const res = await lead.submit(`/medewerker/blokken/${newBlock}/annuleren`, { scope: 'one' });
    expect(res.statusCode).toBe(303);
    const after = offered((await c.get('/aanmelden/moment')).body);
    expect(after).not.toContain('09-12 13:00');
    expect(after).not.toContain('09-12 14:30');
  });

  it('makes the page once when many visitors ask at the same moment after a change', async () => {
    const visitors = await Promise.all(Array.from({ length: 12 }, () => atMoment()));
    const first = await Promise.all(visitors.map((v) => v.get('/aanmelden/moment')));
    for (const page of first) expect(offered(page.body)).not.toContain('10-12 09:00');
    // A change to the team's free times: the kept page goes, and every visitor asks again at once.
    await makeBlock(t.app.db, { teamId, start: at('2026-12-10T09:00'), end: at('2026-12-10T12:00'), coachIds });
    const before = { ...t.app.keptPageCounts };
    const pages = await Promise.all(visitors.map((v) => v.get('/aanmelden/moment')));
    for (const page of pages) {
      expect(page.statusCode).toBe(200);
      expect(offered(page.body)).toContain('10-12 09:00');
    }
    // Each still gets their own token in the one page that was made.
    expect(new Set(pages.map((p) => csrfFrom(p.body))).size).toBe(visitors.length);
    const counts = t.app.keptPageCounts;
    expect(counts.made - before.made).toBe(1);
    expect(counts.waited - before.waited + counts.reused - before.reused).toBe(visitors.length - 1);
    expect(counts.waited - before.waited).toBeGreaterThan(0);
  });
});

describe('a sign-up served by two servers', () => {
  let one: TestApp;
  let two: TestApp;
  let blockId: number;
  beforeAll(async () => {
    one = await createTestApp({ now: () => NOW });
    two = await createTestApp({ now: () => NOW, testDb: one.testDb });
    const team = await makeTeam(one.app.db, { name: 'Wijkteam Noord', from: '6821AA', to: '6822ZZ' });
    const a = await makeStaff(one.app.db, team.id);
    const b = await makeStaff(one.app.db, team.id);
    blockId = await makeBlock(one.app.db, {
      teamId: team.id,
      start: at('2026-12-08T09:00'),
      end: at('2026-12-08T12:00'),
      coachIds: [a.id, b.id],
    });
  });
  afterAll(async () => {
    await two.close();
    await one.close();
  });

  it('reads the draft from the database when the other server changed it', async () => {
    const onOne = new Client(one.app);
    await onOne.submit('/aanmelden', { postcode: '6821AB', houseNumber: '3' });
    await onOne.submit('/aanmelden/vraag', {
      question: 'Eenzaam',
      topics: ['loneliness'],
      about: 'self',
      dangerNow: 'no',
      urgent24h: 'no',
    });
    expect(checkedSlot((await onOne.get('/aanmelden/moment')).body)).toBeNull();
    // The same browser, its next request handled by the second server.
    const onTwo = new Client(two.app);
    onTwo.cookies = onOne.cookies;
    const slot = `${blockId}_${at('2026-12-08T10:30').toISOString()}`;
    expect((await onTwo.submit('/aanmelden/moment', { slot, mode: 'home' })).headers.location).toBe(
      '/aanmelden/gegevens',
    );
    // Back on the first server, which still holds the older draft in memory.
    expect(checkedSlot((await onOne.get('/aanmelden/moment')).body)).toBe(slot);
    expect((await onOne.get('/aanmelden/gegevens')).statusCode).toBe(200);
  });
});

describe('what a resident typed, kept in memory', () => {
  let t: TestApp;
  let clock = NOW;
  beforeAll(async () => {
    t = await createTestApp({ now: () => clock });
    await makeTeam(t.app.db, { name: 'Wijkteam Zuid', from: '6831AA', to: '6832ZZ' });
  });
  afterAll(async () => t.close());

  it('is forgotten when the draft expires, together with the database row', async () => {
    const c = new Client(t.app);
    await c.submit('/aanmelden', { postcode: '6831AB', houseNumber: '5' });
    await c.submit('/aanmelden/vraag', {
      question: 'Mijn buurman en ik hebben ruzie',
      topics: ['other'],
      about: 'self',
      dangerNow: 'no',
      urgent24h: 'no',
    });
    expect(keptDraftCount(t.app)).toBe(1);
    // A day and a bit later, the periodic job deletes the expired draft and forgets the kept copy.
    clock = new Date(NOW.getTime() + 25 * 3600_000);
    await t.app.jobs.runOnce();
    expect(await t.app.db.selectFrom('draft').selectAll().execute()).toEqual([]);
    expect(keptDraftCount(t.app)).toBe(0);
    const res = await c.get('/aanmelden/moment');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/aanmelden?verlopen=1');
  });
});

describe.runIf(onServer)('the calendar on two portal processes sharing one database server', () => {
  let one: TestApp;
  let two: TestApp;
  let second: DbHandle;
  let blockId: number;
  beforeAll(async () => {
    one = await createTestApp({ now: () => NOW });
    // Its own connections, as a second process has: it hears changes only from the database.
    second = await openDatabase({ kind: 'server', url: one.testDb.url!, poolSize: 4 });
    two = await createTestApp({ now: () => NOW, testDb: { ...one.testDb, db: second.db } });
    const team = await makeTeam(one.app.db, { name: 'Wijkteam West', from: '6824AA', to: '6825ZZ' });
    const a = await makeStaff(one.app.db, team.id);
    const b = await makeStaff(one.app.db, team.id);
    blockId = await makeBlock(one.app.db, {
      teamId: team.id,
      start: at('2026-12-10T09:00'),
      end: at('2026-12-10T12:00'),
      coachIds: [a.id, b.id],
    });
  });
  afterAll(async () => {
    await two?.close();
    await second?.close();
    await one?.close();
  });

  const calendar = (app: TestApp) => atCalendar(app.app, '6824AB', 'Hulp bij formulieren');

  it('stops offering a time on the second process within milliseconds of a booking on the first', async () => {
    const watcher = await calendar(two);
    expect(offered((await watcher.get('/aanmelden/moment')).body)).toContain('10-12 10:30');
    // Kept in the second process's memory now.
    expect(offered((await watcher.get('/aanmelden/moment')).body)).toContain('10-12 10:30');
    await book(await calendar(one), `${blockId}_${at('2026-12-10T10:30').toISOString()}`, 'Cas Bewoner');
    const started = performance.now();
    while (offered((await watcher.get('/aanmelden/moment')).body).includes('10-12 10:30')) {
      expect(performance.now() - started).toBeLessThan(2_000);
      await new Promise((r) => setTimeout(r, 5));
    }
  });
});
