// A draft stored by an older version of the portal that no longer fits its schema counts as no
// draft: the flow starts again (a redirect to its first step), never a 500.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { Client, createTestApp, TEST_NOW, type TestApp } from '../helpers/app.js';
import { makeTeam } from '../helpers/fixtures.js';
import { forgetExpiredDrafts } from '../../src/core/drafts.js';

describe('a stored draft that no longer fits', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ now: () => TEST_NOW });
    await makeTeam(t.app.db, { name: 'Wijkteam Centrum', from: '6811AA', to: '6814ZZ' });
  });
  afterAll(async () => t.close());

  /** Rewrites every stored draft as an older portal might have left it, and forgets the kept copies. */
  async function outdate(data: unknown) {
    await sql`update draft set data = ${JSON.stringify(data)}::jsonb`.execute(t.app.db);
    forgetExpiredDrafts(t.app, new Date(TEST_NOW.getTime() + 3 * 24 * 3600_000));
  }

  it('sends the resident back to the start of the sign-up, where a new draft works', async () => {
    const c = new Client(t.app);
    let res = await c.submit('/aanmelden', { postcode: '6811ab', houseNumber: '12' });
    expect(res.headers.location).toBe('/aanmelden/vraag');
    expect((await c.get('/aanmelden/vraag')).statusCode).toBe(200);
    await outdate({ key: 'k', postcode: 6811, topics: 'money', about: 'someone' });
    res = await c.get('/aanmelden/vraag');
    expect(res.statusCode).toBe(303);
    // Not a silent restart: the first step says the earlier answers were lost.
    expect(res.headers.location).toBe('/aanmelden?verlopen=1');
    const first = await c.get('/aanmelden?verlopen=1');
    expect(first.statusCode).toBe(200);
    expect(first.body).toContain('Uw sessie is verlopen');
    res = await c.submit('/aanmelden', { postcode: '6811ab', houseNumber: '12' });
    expect(res.headers.location).toBe('/aanmelden/vraag');
    expect((await c.get('/aanmelden/vraag')).statusCode).toBe(200);
  });

  it('sends the referrer back to the start of the referral', async () => {
    const c = new Client(t.app);
    let res = await c.submit('/verwijzen', {
      kind: 'huisarts',
      schoolRole: '',
      organisation: 'Praktijk De Linde',
      referrerName: 'Dr. Jansen',
      referrerPhone: '026 123 4567',
      referrerEmail: 'jansen@example.nl',
      agbCode: '',
    });
    expect(res.headers.location).toBe('/verwijzen/toestemming');
    await outdate({ key: 'k', kind: 'tandarts', consent: true });
    res = await c.get('/verwijzen/toestemming');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/verwijzen');
  });
});
