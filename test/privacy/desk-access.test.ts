// Only the privacy role reaches the privacy desk; the privacy role reaches nothing else of the
// staff area but its start page and its own password. Logged out, every desk URL asks for a login.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/db/schema.js';
import { isStaffPath } from '../../src/plugins/access.js';
import { ALL_STAFF } from '../../src/plugins/auth.js';
import { Client, createTestApp, type TestApp } from '../helpers/app.js';
import { fill, teamWorld, type Ids } from '../helpers/route-world.js';
import { loggedIn, makeLogin } from '../helpers/staff.js';
import { NOW } from './desk-world.js';

describe('privacy desk: access', () => {
  let t: TestApp;
  let ids: Ids;
  const clients = new Map<Role, Client>();

  beforeAll(async () => {
    t = await createTestApp({ now: () => NOW });
    ids = await teamWorld(t.app, 'Eigen', '7001');
    for (const role of ALL_STAFF) {
      const user = await makeLogin(t.app, role === 'coach' || role === 'teamlead' ? ids.teamId! : null, role);
      clients.set(role, await loggedIn(t.app, user.email));
    }
  });
  afterAll(async () => t.close());

  const deskRoutes = () => t.app.routeRules.filter((r) => r.url.startsWith('/medewerker/privacy'));

  it('has the desk routes, each for the privacy role alone', () => {
    const urls = deskRoutes().map((r) => `${r.method} ${r.url}`);
    expect(urls).toEqual(
      expect.arrayContaining([
        'GET /medewerker/privacy',
        'GET /medewerker/privacy/personen/:residentId',
        'GET /medewerker/privacy/personen/:residentId/inzage',
        'GET /medewerker/privacy/personen/:residentId/inzage.json',
        'GET /medewerker/privacy/personen/:residentId/corrigeren',
        'POST /medewerker/privacy/personen/:residentId/corrigeren',
        'GET /medewerker/privacy/personen/:residentId/wissen',
        'POST /medewerker/privacy/personen/:residentId/wissen',
        'GET /medewerker/privacy/logboek',
        'GET /medewerker/privacy/logboek.csv',
      ]),
    );
    for (const r of deskRoutes()) expect(r.access, r.url).toEqual({ roles: ['privacy'] });
  });

  it('lets the privacy role in, refuses every other role (403) and sends a stranger to the login', async () => {
    for (const r of deskRoutes().filter((x) => x.method === 'GET')) {
      const url = fill(r.url, ids);
      const res = await clients.get('privacy')!.get(url);
      expect(res.statusCode, url).toBe(200);
      for (const role of ALL_STAFF.filter((x) => x !== 'privacy')) {
        const other = await clients.get(role)!.get(url);
        expect(other.statusCode, `${url} as ${role}`).toBe(403);
        expect(other.body).not.toContain('Test Bewoner');
      }
      const anon = await new Client(t.app).get(url);
      expect(anon.statusCode, url).toBe(303);
      expect(anon.headers.location).toMatch(/^\/medewerker\/inloggen/);
    }
  });

  it('refuses a post to the desk by every other role, and writes nothing', async () => {
    const before = await t.app.db.selectFrom('resident').selectAll().where('id', '=', ids.residentId!).execute();
    for (const role of ALL_STAFF.filter((x) => x !== 'privacy')) {
      for (const action of ['corrigeren', 'wissen']) {
        const res = await clients
          .get(role)!
          .submit(
            '/medewerker',
            { name: 'Inbreker', reason: 'other', confirm: 'yes' },
            `/medewerker/privacy/personen/${ids.residentId}/${action}`,
          );
        expect(res.statusCode, `${action} as ${role}`).toBe(403);
      }
    }
    expect(await t.app.db.selectFrom('resident').selectAll().where('id', '=', ids.residentId!).execute()).toEqual(
      before,
    );
  });

  it('gives the privacy role no page of the rest of the staff area: no agenda, queue, case, figures or admin', async () => {
    const privacy = clients.get('privacy')!;
    const others = t.app.routeRules.filter(
      (r) =>
        isStaffPath(r.url) && r.access !== 'public' && !r.url.startsWith('/medewerker/privacy') && r.method === 'GET',
    );
    const reachable = others.filter(
      (r) => r.access !== 'public' && 'roles' in r.access && r.access.roles.includes('privacy'),
    );
    // Only the staff start page and the own password.
    expect(reachable.map((r) => r.url).sort()).toEqual(['/medewerker', '/medewerker/wachtwoord-wijzigen']);
    for (const r of others.filter((x) => !reachable.includes(x))) {
      const res = await privacy.get(fill(r.url, ids));
      expect(res.statusCode, r.url).toBe(403);
      expect(res.body).not.toContain('Test Bewoner');
    }
  });

  it("shows the desk in the privacy role's menu, and to nobody else", async () => {
    const home = await clients.get('privacy')!.get('/medewerker');
    expect(home.body).toContain('href="/medewerker/privacy"');
    expect(home.body).not.toContain('href="/medewerker/wachtrij"');
    expect(home.body).not.toContain('href="/medewerker/cijfers"');
    for (const role of ALL_STAFF.filter((x) => x !== 'privacy')) {
      expect((await clients.get(role)!.get('/medewerker')).body, role).not.toContain('href="/medewerker/privacy"');
    }
  });
});
