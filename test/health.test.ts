import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import helmet from 'helmet';
import { sql } from 'kysely';
import { Client, createTestApp, csrfFrom, type TestApp } from './helpers/app.js';
import { helmetOptions, securityHeaders } from '../src/plugins/security.js';

describe('plumbing', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  it('says the process is alive on /healthz without asking the database', async () => {
    const res = await t.app.inject('/healthz');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('says it is ready on /readyz when the database answers and its schema is current', async () => {
    const res = await t.app.inject('/readyz');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ready', database: 'ok', migrations: 'current' });
  });

  it('is not ready while a migration has not run', async () => {
    const other = await createTestApp();
    try {
      const last = await other.testDb.db
        .selectFrom('kysely_migration' as never)
        .select('name' as never)
        .orderBy('name' as never, 'desc')
        .executeTakeFirstOrThrow();
      const name = (last as { name: string }).name;
      await sql`delete from kysely_migration where name = ${name}`.execute(other.testDb.db);
      const res = await other.app.inject('/readyz');
      expect(res.statusCode).toBe(503);
      expect(res.json()).toEqual({ status: 'unavailable', database: 'ok', migrations: 'pending', pending: [name] });
    } finally {
      await other.close();
    }
  });

  it('answers 503 with a friendly page in Dutch or English while the database is gone, and /healthz stays 200', async () => {
    const other = await createTestApp();
    await other.testDb.close();
    try {
      const ready = await other.app.inject('/readyz');
      expect(ready.statusCode).toBe(503);
      expect(ready.headers['retry-after']).toBe('10');
      expect(ready.json()).toEqual({ status: 'unavailable', database: 'unreachable' });
      expect((await other.app.inject('/healthz')).statusCode).toBe(200);

      // A page that reads the database: a staff member's login.
      const client = new Client(other.app);
      const form = await client.get('/medewerker/inloggen');
      const res = await client.post('/medewerker/inloggen', {
        _csrf: csrfFrom(form.body),
        email: 'coach@example.nl',
        password: 'wat-dan-ook-123',
      });
      expect(res.statusCode).toBe(503);
      expect(res.headers['retry-after']).toBe('10');
      expect(res.headers['content-type']).toMatch(/text\/html/);
      expect(res.body).toContain('Even niet bereikbaar');
      expect(res.body).toContain('Probeer het zo opnieuw');
      expect(res.body).toContain('14 026');

      const english = new Client(other.app);
      english.cookies.set('lang', 'en');
      const formEn = await english.get('/medewerker/inloggen');
      const resEn = await english.post('/medewerker/inloggen', {
        _csrf: csrfFrom(formEn.body),
        email: 'coach@example.nl',
        password: 'wat-dan-ook-123',
      });
      expect(resEn.statusCode).toBe(503);
      expect(resEn.body).toContain('<html lang="en"');
      expect(resEn.body).toContain('Briefly unavailable');
    } finally {
      await other.app.close();
    }
  });

  it('serves the start page in Dutch with the safety numbers and three paths', async () => {
    const res = await t.app.inject('/');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.body).toContain('<html lang="nl"');
    expect(res.body).toContain('href="#main"');
    expect(res.body).toContain('href="/aanmelden"');
    expect(res.body).toContain('href="/verwijzen"');
    expect(res.body).toContain('href="/opnieuw"');
    expect(res.body).toContain('tel:112');
    expect(res.body).toContain('0800-2000');
    expect(res.body).toContain('Gemeente Arnhem');
  });

  it('switches to English and remembers it', async () => {
    const res = await t.app.inject('/?lang=en');
    expect(res.body).toContain('<html lang="en"');
    expect(res.body).toContain('Help from the neighbourhood team');
    const cookie = res.cookies.find((c) => c.name === 'lang');
    expect(cookie?.value).toBe('en');
    const again = await t.app.inject({ url: '/', headers: { cookie: 'lang=en' } });
    expect(again.body).toContain('<html lang="en"');
  });

  it('shows a 404 page inside the layout', async () => {
    const res = await t.app.inject('/bestaat-niet');
    expect(res.statusCode).toBe(404);
    expect(res.body).toContain('Deze pagina bestaat niet');
    expect(res.body).toContain('tel:112');
  });

  it('sends security headers', async () => {
    const res = await t.app.inject('/');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(res.headers['referrer-policy']).toBe('same-origin');
  });

  it("sends exactly the headers helmet's own middleware sets, on pages, files and errors", async () => {
    // helmet itself on a plain Node server, with the portal's options.
    const server = http.createServer((req, res) => helmet(helmetOptions(false))(req, res, () => res.end()));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const fromHelmet = await fetch(`http://127.0.0.1:${port}/`);
    server.close();
    const expected = Object.fromEntries(
      [...fromHelmet.headers].filter(
        ([k]) => !['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding'].includes(k),
      ),
    );
    expect(Object.keys(expected)).toContain('content-security-policy');
    expect(expected['strict-transport-security']).toBeUndefined();
    for (const url of ['/', '/static/css/app.css', '/bestaat-niet']) {
      const res = await t.app.inject(url);
      for (const [name, value] of Object.entries(expected)) expect(res.headers[name], `${name} on ${url}`).toBe(value);
    }
    // With secure cookies (https): HSTS and upgrade-insecure-requests too.
    const secure = securityHeaders(helmetOptions(true));
    expect(secure['strict-transport-security']).toMatch(/max-age=\d+/);
    expect(secure['content-security-policy']).toContain('upgrade-insecure-requests');
  });

  it('serves the NL Design System stylesheets', async () => {
    const url = /href="(\/static\/nlds\.\w+\.css)"/.exec((await t.app.inject('/')).body)![1]!;
    const css = await t.app.inject(url);
    expect(css.statusCode).toBe(200);
    expect(css.body).toContain('.utrecht-heading-1');
    expect(css.body).toContain('--utrecht-');
    expect((await t.app.inject('/static/nlds/index.css')).headers.location).toBe(url);
    expect((await t.app.inject('/static/nlds/package.json')).statusCode).toBe(404);
  });
});

describe('rate limit on public form posts', () => {
  it('answers 429 with a friendly page after the limit, and stores nothing', async () => {
    const t = await createTestApp({ config: { publicPostLimit: 3 } });
    const { Client } = await import('./helpers/app.js');
    const c = new Client(t.app);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++)
      statuses.push((await c.submit('/aanmelden', { postcode: '', houseNumber: '' })).statusCode);
    expect(statuses).toEqual([400, 400, 400, 429]);
    const last = await c.submit('/aanmelden', { postcode: '6811AB', houseNumber: '1' });
    expect(last.statusCode).toBe(429);
    expect(last.body).toContain('Wacht een minuut');
    expect(await t.app.db.selectFrom('draft').selectAll().execute()).toHaveLength(0);
    await t.close();
  });
});
