// Every staff route × every role × own team / other team / logged out, generated from the
// app's own route table — and every route again under other spellings of its path, sent byte
// for byte over a socket, logged out and as each role the rule leaves out. A request that the
// rule refuses must never reach a handler: a hook just before the handlers records every
// request that gets that far, and the tables a handler could write stay as they were.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import type { Role } from '../../src/db/schema.js';
import { isStaffPath, publicScope, type RouteRule } from '../../src/plugins/access.js';
import { ALL_STAFF } from '../../src/plugins/auth.js';
import { buildApp } from '../../src/app.js';
import { Client, createTestApp, csrfFrom, testConfig, type TestApp } from '../helpers/app.js';
import { fill, teamWorld, type Ids } from '../helpers/route-world.js';
import { loggedIn, makeLogin } from '../helpers/staff.js';
import { rawRequest } from '../helpers/raw-http.js';
import { spellings } from '../helpers/spellings.js';

const at = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/Amsterdam' }).toJSDate();
const NOW = at('2026-11-24T10:00');

type Reached = { method: string; route: string; role: Role | null };

describe('access matrix of staff routes', () => {
  let t: TestApp;
  let port: number;
  const reached: Reached[] = [];
  const clients = new Map<Role, Client>();
  let own: Ids;
  let other: Ids;

  beforeAll(async () => {
    t = await createTestApp({
      now: () => NOW,
      beforeReady: (app) =>
        app.addHook('preHandler', async (req) => {
          reached.push({ method: req.method, route: req.routeOptions.url ?? '(404)', role: req.staff?.role ?? null });
        }),
    });
    own = await teamWorld(t.app, 'Eigen', '7001');
    other = await teamWorld(t.app, 'Ander', '7002');
    for (const role of ALL_STAFF) {
      const teamId = role === 'coach' || role === 'teamlead' ? own.teamId! : null;
      const user = await makeLogin(t.app, teamId, role);
      clients.set(role, await loggedIn(t.app, user.email));
    }
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = (t.app.server.address() as AddressInfo).port;
  });
  afterAll(async () => t.close());

  const staffRules = () => t.app.routeRules.filter((r) => isStaffPath(r.url));

  /** GET, or a POST with an empty form and a valid CSRF token of the client's session. */
  async function call(c: Client, method: string, url: string) {
    return method === 'GET' ? c.get(url) : c.submit('/medewerker/inloggen', {}, url);
  }

  it('has an access rule on every route, and staff routes are not public by accident', () => {
    const rules = t.app.routeRules;
    expect(rules.filter((r) => r.access === undefined)).toEqual([]);
    const publicStaff = staffRules()
      .filter((r) => r.access === 'public')
      .map((r) => `${r.method} ${r.url}`)
      .sort();
    expect(publicStaff).toEqual([
      'GET /medewerker/inloggen',
      'GET /medewerker/ontgrendelen/:token',
      'GET /medewerker/wachtwoord-vergeten',
      'GET /medewerker/wachtwoord/:token',
      'POST /medewerker/inloggen',
      'POST /medewerker/ontgrendelen/:token',
      'POST /medewerker/wachtwoord-vergeten',
      'POST /medewerker/wachtwoord/:token',
    ]);
    expect(staffRules().length).toBeGreaterThan(40);
  });

  it('refuses to start with a route that declares no rule, or a staff route that leans on a public scope', async () => {
    for (const register of [
      (app: FastifyInstance) => app.get('/zonder-regel', async () => 'open'),
      (app: FastifyInstance) =>
        app.register(async (scope) => {
          publicScope(scope);
          scope.get('/medewerker/geheim', async () => 'open');
        }),
      (app: FastifyInstance) =>
        app.get('/rare-regel', { config: { access: { roles: ['superuser' as Role] } } }, async () => 'open'),
    ]) {
      const app = await buildApp(testConfig(), { db: t.app.db, logger: false, mailWorker: false });
      const started = (async () => {
        register(app);
        await app.ready();
      })();
      await expect(started).rejects.toThrow(/access/);
      await app.close().catch(() => undefined);
    }
  });

  it('keeps every rule for every role, team and the logged-out visitor', async () => {
    const failures: string[] = [];
    // Logging out ends the client's session, so it goes last.
    const routes = [...staffRules()].sort(
      (a, b) => Number(a.url.endsWith('/uitloggen')) - Number(b.url.endsWith('/uitloggen')),
    );
    for (const route of routes) {
      const access = route.access;
      // Logged out.
      const anon = new Client(t.app);
      const anonUrl = fill(route.url, own);
      const res = route.method === 'GET' ? await anon.get(anonUrl) : await anon.post(anonUrl, {});
      if (access === 'public') {
        if (res.statusCode === 303 && String(res.headers.location).startsWith('/medewerker/inloggen?'))
          failures.push(`${route.method} ${route.url} logged out: sent to login but is public`);
        continue;
      }
      if (!(res.statusCode === 303 && String(res.headers.location).startsWith('/medewerker/inloggen'))) {
        failures.push(`${route.method} ${route.url} logged out: ${res.statusCode} ${res.headers.location ?? ''}`);
      }
      for (const role of ALL_STAFF) {
        const c = clients.get(role)!;
        const mine = await call(c, route.method, fill(route.url, own));
        const allowed = access.roles.includes(role);
        if (!allowed) {
          if (mine.statusCode !== 403)
            failures.push(`${route.method} ${route.url} as ${role}: expected 403, got ${mine.statusCode}`);
          continue;
        }
        if ([401, 403, 404].includes(mine.statusCode) || mine.statusCode >= 500)
          failures.push(`${route.method} ${route.url} as ${role} (own team): got ${mine.statusCode}`);
        if (access.teamScoped && /:\w+Id/.test(route.url)) {
          const theirs = await call(c, route.method, fill(route.url, other));
          if (theirs.statusCode !== 404)
            failures.push(
              `${route.method} ${route.url} as ${role} (other team): expected 404, got ${theirs.statusCode}`,
            );
        }
      }
    }
    expect(failures).toEqual([]);
    // The logged-out client was logged back in by nothing: log the roles in again for the next tests.
    for (const role of ALL_STAFF) {
      const teamId = role === 'coach' || role === 'teamlead' ? own.teamId! : null;
      const user = await makeLogin(t.app, teamId, role);
      clients.set(role, await loggedIn(t.app, user.email));
    }
  }, 240_000);

  it('asks for a login on every method and on unknown URLs under the staff area', async () => {
    for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']) {
      for (const path of [
        '/medewerker/beheer/medewerkers',
        '/medewerker/bestaat-niet',
        '/MEDEWERKER/beheer',
        '/%6dedewerker/niets',
      ]) {
        const res = await rawRequest(port, method, path);
        expect([res.status, res.headers.location?.split('?')[0]], `${method} ${path}`).toEqual([
          303,
          '/medewerker/inloggen',
        ]);
      }
    }
    // Logged in, an unknown staff URL is just not found.
    const coach = clients.get('coach')!;
    expect((await coach.get('/medewerker/bestaat-niet')).statusCode).toBe(404);
    // Outside the staff area an unknown URL is a plain 404 for everyone.
    expect((await rawRequest(port, 'GET', '/bestaat-niet')).status).toBe(404);
  });

  async function tableCounts() {
    const count = async (
      table:
        | 'audit_event'
        | 'outbox_message'
        | 'team_area'
        | 'team'
        | 'staff_user'
        | 'staff_token'
        | 'block'
        | 'absence'
        | 'appointment'
        | 'referrer_contact',
    ) =>
      Number(
        (
          await t.app.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const tables = [
      'audit_event',
      'outbox_message',
      'team_area',
      'team',
      'staff_user',
      'staff_token',
      'block',
      'absence',
      'appointment',
      'referrer_contact',
    ] as const;
    return Object.fromEntries(await Promise.all(tables.map(async (x) => [x, await count(x)])));
  }

  /** The session cookie and a CSRF token of a client, to send with raw requests. */
  async function credentials(c: Client | null) {
    const client = c ?? new Client(t.app);
    const token = csrfFrom((await client.get('/medewerker/wachtwoord-vergeten')).body);
    const cookie = client.cookieString();
    return { cookie, token };
  }

  it('lets no other spelling of a staff path reach a staff page or write, logged out or in the wrong role', async () => {
    const protectedRules = staffRules().filter(
      (r): r is RouteRule & { access: { roles: readonly Role[] } } => r.access !== 'public',
    );
    const visitors: Array<Role | null> = [null, ...ALL_STAFF];
    const before = await tableCounts();
    reached.length = 0;
    const failures: string[] = [];
    let sent = 0;
    for (const visitor of visitors) {
      const { cookie, token } = await credentials(visitor ? clients.get(visitor)! : null);
      reached.length = 0;
      for (const rule of protectedRules) {
        if (visitor && rule.access.roles.includes(visitor)) continue;
        for (const path of spellings(fill(rule.url, own))) {
          const body =
            rule.method === 'POST'
              ? new URLSearchParams({
                  _csrf: token,
                  from: '9999',
                  name: 'Inbreker',
                  email: 'inbreker@example.nl',
                  role: 'admin',
                  active: 'yes',
                }).toString()
              : undefined;
          const res = await rawRequest(port, rule.method, path, {
            headers: { cookie, ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
            ...(body ? { body } : {}),
          });
          sent++;
          const who = visitor ?? 'logged out';
          if (res.status >= 200 && res.status < 300) failures.push(`${rule.method} ${path} as ${who}: ${res.status}`);
          if (res.status >= 500) failures.push(`${rule.method} ${path} as ${who}: ${res.status}`);
          if (res.status === 303 && !res.headers.location?.startsWith('/medewerker/inloggen'))
            failures.push(`${rule.method} ${path} as ${who}: sent to ${res.headers.location}`);
        }
      }
      // Whatever got as far as a handler must be a route this visitor may use.
      for (const r of reached) {
        const rule = t.app.routeRules.find(
          (x) => x.url === r.route && x.method === (r.method === 'HEAD' ? 'GET' : r.method),
        );
        const mayUse =
          r.route === '(404)' ||
          rule?.access === 'public' ||
          (visitor !== null && rule !== undefined && rule.access.roles.includes(visitor));
        if (!mayUse) failures.push(`${r.method} ${r.route} reached its handler as ${visitor ?? 'logged out'}`);
      }
    }
    expect(failures).toEqual([]);
    expect(sent).toBeGreaterThan(1000);
    expect(await tableCounts()).toEqual(before);
  }, 240_000);
});
