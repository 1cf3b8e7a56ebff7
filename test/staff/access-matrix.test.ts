// Every staff route × every role × own team / other team / logged out, generated from the
// app's own route table: a new route without an access rule, or with a rule the route does
// not keep, fails here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import type { Role } from '../../src/db/schema.js';
import { ALL_STAFF } from '../../src/plugins/auth.js';
import { Client, createTestApp, type TestApp } from '../helpers/app.js';
import { makeBlock, makeRequest, makeTeam, newTokenHash } from '../helpers/fixtures.js';
import { loggedIn, makeLogin } from '../helpers/staff.js';

const at = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/Amsterdam' }).toJSDate();
const NOW = at('2026-11-24T10:00');

type Ids = Record<string, number>;

describe('access matrix of staff routes', () => {
  let t: TestApp;
  const clients = new Map<Role, Client>();
  let own: Ids;
  let other: Ids;

  async function teamWorld(label: string): Promise<Ids> {
    const team = await makeTeam(t.app.db, { name: `Wijkteam ${label}` });
    const a = await makeLogin(t.app, team.id, 'coach');
    const b = await makeLogin(t.app, team.id, 'coach');
    const blockId = await makeBlock(t.app.db, { teamId: team.id, start: at('2026-12-08T09:00'), end: at('2026-12-08T12:00'), coachIds: [a.id, b.id] });
    const request = await makeRequest(t.app.db, team.id);
    const appt = await t.app.db
      .insertInto('appointment')
      .values({ request_id: request.id, block_id: blockId, starts_at: at('2026-12-08T09:00'), ends_at: at('2026-12-08T10:00'), manage_token_hash: newTokenHash() })
      .returning('id')
      .executeTakeFirstOrThrow();
    const absence = await t.app.db
      .insertInto('absence')
      .values({ staff_id: a.id, starts_at: at('2026-12-20T00:00'), ends_at: at('2026-12-21T00:00'), kind: 'leave' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const area = await t.app.db
      .insertInto('team_area')
      .values({ team_id: team.id, postcode_from: label === 'Eigen' ? '7001AA' : '7002AA', postcode_to: label === 'Eigen' ? '7001ZZ' : '7002ZZ' })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { areaId: area.id, teamId: team.id, staffId: b.id, blockId, requestId: request.id, appointmentId: appt.id, absenceId: absence.id, coachId: a.id };
  }

  beforeAll(async () => {
    t = await createTestApp({ now: () => NOW });
    own = await teamWorld('Eigen');
    other = await teamWorld('Ander');
    for (const role of ALL_STAFF) {
      const teamId = role === 'coach' || role === 'teamlead' ? own.teamId! : null;
      const user = await makeLogin(t.app, teamId, role);
      clients.set(role, await loggedIn(t.app, user.email));
    }
  });
  afterAll(async () => t.close());

  function fill(url: string, ids: Ids): string {
    return url.replace(/:(\w+)/g, (_m, name: string) => {
      if (name === 'token') return 'x'.repeat(43);
      const v = ids[name];
      if (v === undefined) throw new Error(`No fixture for URL parameter :${name} in ${url}: add one to the access-matrix test`);
      return String(v);
    });
  }

  /** GET, or a POST with an empty form and a valid CSRF token of the client's session. */
  async function call(c: Client, method: string, url: string) {
    return method === 'GET' ? c.get(url) : c.submit('/medewerker/inloggen', {}, url);
  }

  it('has an access rule on every staff route', () => {
    const missing = t.app.staffRoutes.filter((r) => r.access === undefined).map((r) => `${r.method} ${r.url}`);
    expect(missing).toEqual([]);
    expect(t.app.staffRoutes.length).toBeGreaterThan(5);
  });

  it('keeps every rule for every role, team and the logged-out visitor', async () => {
    const failures: string[] = [];
    // Logging out ends the client's session, so it goes last.
    const routes = [...t.app.staffRoutes].sort((a, b) => Number(a.url.endsWith('/uitloggen')) - Number(b.url.endsWith('/uitloggen')));
    for (const route of routes) {
      const access = route.access!;
      // Logged out.
      const anon = new Client(t.app);
      const anonUrl = fill(route.url, own);
      const res = route.method === 'GET' ? await anon.get(anonUrl) : await anon.post(anonUrl, {});
      if (access === 'anyone') {
        if (res.statusCode === 303 && String(res.headers.location).startsWith('/medewerker/inloggen?')) failures.push(`${route.method} ${route.url} logged out: sent to login but is public`);
      } else if (route.method === 'GET' ? !(res.statusCode === 303 && String(res.headers.location).startsWith('/medewerker/inloggen')) : ![303, 403].includes(res.statusCode)) {
        failures.push(`${route.method} ${route.url} logged out: ${res.statusCode} ${res.headers.location ?? ''}`);
      }
      if (access === 'anyone') continue;
      for (const role of ALL_STAFF) {
        const c = clients.get(role)!;
        const mine = await call(c, route.method, fill(route.url, own));
        const allowed = access.roles.includes(role);
        if (!allowed) {
          if (mine.statusCode !== 403) failures.push(`${route.method} ${route.url} as ${role}: expected 403, got ${mine.statusCode}`);
          continue;
        }
        if ([401, 403, 404].includes(mine.statusCode) || mine.statusCode >= 500) failures.push(`${route.method} ${route.url} as ${role} (own team): got ${mine.statusCode}`);
        if (access.teamScoped && /:\w+Id/.test(route.url)) {
          const theirs = await call(c, route.method, fill(route.url, other));
          if (theirs.statusCode !== 404) failures.push(`${route.method} ${route.url} as ${role} (other team): expected 404, got ${theirs.statusCode}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });
});
