// The calendar page kept in memory goes out compressed: its fixed parts gzipped once, each
// visitor's CSRF token compressed per request (src/plugins/gzip-parts.ts). What a browser unpacks
// must be exactly the page it would get uncompressed, with its own token that works.
import { randomBytes } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { Client, createTestApp, csrfFrom, type TestApp } from '../helpers/app.js';
import { makeBlock, makeStaff, makeTeam } from '../helpers/fixtures.js';
import { gzipJoin, gzipParts } from '../../src/plugins/gzip-parts.js';

const at = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/Amsterdam' }).toJSDate();
const NOW = at('2026-11-24T10:00');

describe('gzip in parts', () => {
  it('unpacks to the parts joined by the token, for any parts and tokens', () => {
    const cases: Buffer[][] = [
      [Buffer.from('only one part, no token at all')],
      [Buffer.alloc(0), Buffer.alloc(0)],
      [Buffer.from('<p>before</p>'), Buffer.from('')],
      [Buffer.from(''), Buffer.from('after')],
    ];
    for (let i = 0; i < 20; i++) {
      const n = 1 + (i % 5);
      // Repetitive text (as a page is) and random bytes, up to 70 kB per part.
      cases.push(
        Array.from({ length: n }, (_, j) =>
          j % 2 ? randomBytes(i * 50) : Buffer.from('<li>Dinsdag 8 december, 09:00</li>'.repeat(i * 100 + j)),
        ),
      );
    }
    for (const parts of cases) {
      for (const token of [Buffer.alloc(0), Buffer.from('abc'), randomBytes(64), randomBytes(70_000)]) {
        const plain = Buffer.concat(parts.flatMap((p, i) => (i === 0 ? [p] : [token, p])));
        expect(gunzipSync(gzipJoin(gzipParts(parts), token)).equals(plain)).toBe(true);
      }
    }
  });
});

describe('the kept calendar page, compressed', () => {
  let t: TestApp;
  let blockId: number;
  beforeAll(async () => {
    t = await createTestApp({ now: () => NOW });
    const team = await makeTeam(t.app.db, { name: 'Wijkteam Centrum', from: '6811AA', to: '6814ZZ' });
    const a = await makeStaff(t.app.db, team.id, { name: 'Fatima El Amrani' });
    const b = await makeStaff(t.app.db, team.id, { name: 'Jeroen Bakker' });
    blockId = await makeBlock(t.app.db, {
      teamId: team.id,
      start: at('2026-12-08T09:00'),
      end: at('2026-12-08T12:00'),
      coachIds: [a.id, b.id],
    });
  });
  afterAll(async () => t.close());

  async function atCalendar(): Promise<Client> {
    const c = new Client(t.app);
    await c.submit('/aanmelden', { postcode: '6811AB', houseNumber: '1' });
    const res = await c.submit('/aanmelden/vraag', {
      question: 'Hulp bij post',
      topics: ['money'],
      about: 'self',
      dangerNow: 'no',
      urgent24h: 'no',
    });
    expect(res.headers.location).toBe('/aanmelden/moment');
    return c;
  }

  const get = (c: Client, acceptEncoding?: string) =>
    t.app.inject({
      method: 'GET',
      url: '/aanmelden/moment',
      headers: {
        cookie: c.cookieString(),
        ...(acceptEncoding ? { 'accept-encoding': acceptEncoding } : {}),
      },
    });

  it('unpacks to the same page as without compression, with the visitor’s own working token', async () => {
    const anna = await atCalendar();
    const ben = await atCalendar();
    const plain = await get(anna);
    expect(plain.headers['content-encoding']).toBeUndefined();
    for (const c of [anna, ben]) {
      for (const ae of ['gzip', 'br, gzip', 'gzip, deflate, br, zstd']) {
        const res = await get(c, ae);
        expect(res.statusCode).toBe(200);
        expect(res.headers['content-encoding']).toBe('gzip');
        expect(res.headers.vary).toMatch(/accept-encoding/i);
        const html = gunzipSync(res.rawPayload).toString('utf8');
        expect(html.length).toBeGreaterThan(res.rawPayload.length * 2);
        expect(html).toContain(`value="${blockId}_${at('2026-12-08T09:00').toISOString()}"`);
        expect(html.replace(csrfFrom(html), '')).toBe(plain.body.replace(csrfFrom(plain.body), ''));
      }
    }
    // The token in the compressed page is Ben's own, and it works.
    const html = gunzipSync((await get(ben, 'gzip')).rawPayload).toString('utf8');
    const slot = `${blockId}_${at('2026-12-08T09:00').toISOString()}`;
    const res = await ben.post('/aanmelden/moment', { _csrf: csrfFrom(html), slot, mode: 'home' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/aanmelden/gegevens');
  });

  it('is sent plain to a browser that refuses gzip', async () => {
    const c = await atCalendar();
    for (const ae of ['identity', 'gzip;q=0', 'br;q=0, gzip;q=0']) {
      const res = await get(c, ae);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-encoding']).toBeUndefined();
      expect(res.body).toContain('name="slot"');
    }
  });
});
