// The retention terms page (/medewerker/beheer/bewaartermijnen): only an administrator reaches
// it; every bad input is shown next to its field with the typed values kept and nothing saved;
// a good form is stored, audited without personal data, and read by the job; the dry run below
// the form counts per category and per team, without names.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, createTestApp, type TestApp } from '../helpers/app.js';
import { loggedIn, makeLogin } from '../helpers/staff.js';
import { loadRetention } from '../../src/core/retention-settings.js';
import { RETENTION_DEFAULTS } from '../../src/domain/retention.js';
import { at, makeCase, monthsBefore, world } from './retention-world.js';

const NOW = at('2027-06-15T10:00');
const PATH = '/medewerker/beheer/bewaartermijnen';
const GOOD = { mailBodyDays: '14', cancelledSignupMonths: '6', closedRequestMonths: '24', auditYears: '7' };

describe('the retention terms page', () => {
  let t: TestApp;
  let admin: Client;
  let teamId: number;

  beforeAll(async () => {
    t = await createTestApp({ now: () => NOW });
    const w = await world(t.app.db, 'Wijkteam Zuid');
    teamId = w.teamId;
    // Due under the default 12 months, not under 24.
    await makeCase(t.app.db, w, {
      tag: 'termijn',
      status: 'closed',
      submittedAt: monthsBefore(NOW, 20),
      closedAt: monthsBefore(NOW, 18),
    });
    admin = await loggedIn(t.app, (await makeLogin(t.app, null, 'admin')).email);
  });
  afterAll(async () => t.close());

  const stored = async () => t.app.db.selectFrom('setting').selectAll().execute();
  const audits = async () =>
    t.app.db.selectFrom('audit_event').selectAll().where('action', '=', 'retention_changed').execute();

  it('is linked from the admin start page and shows the live terms, their limits and the dry run', async () => {
    expect((await admin.get('/medewerker/beheer')).body).toContain(`href="${PATH}"`);
    const res = await admin.get(PATH);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('name="mailBodyDays" type="text" inputmode="numeric" value="7"');
    expect(res.body).toContain('value="12"');
    expect(res.body).toContain('Een getal van 1 tot en met 90.');
    expect(res.body).toContain('Een getal van 3 tot en met 120.');
    expect(res.body).toMatch(/data-count="closedRequestsAnonymised">1</);
    // Per team, without names.
    expect(res.body).toMatch(/Wijkteam Zuid<\/th><td>0<\/td><td>1<\/td>/);
    expect(res.body).not.toContain('Naam termijn');
    expect(res.body).not.toContain('termijn@bewoner');
  });

  const bad: [string, Record<string, string>, string, string][] = [
    ['empty', { mailBodyDays: '' }, 'mailBodyDays', 'Vul een getal in.'],
    [
      'letters',
      { cancelledSignupMonths: 'drie' },
      'cancelledSignupMonths',
      'Vul een heel getal in, zonder letters of komma.',
    ],
    [
      'a fraction',
      { closedRequestMonths: '12,5' },
      'closedRequestMonths',
      'Vul een heel getal in, zonder letters of komma.',
    ],
    ['negative', { auditYears: '-1' }, 'auditYears', 'Vul een heel getal in, zonder letters of komma.'],
    ['below the limit', { closedRequestMonths: '2' }, 'closedRequestMonths', 'Vul een getal in van 3 tot en met 120.'],
    ['above the limit', { mailBodyDays: '91' }, 'mailBodyDays', 'Vul een getal in van 1 tot en met 90.'],
    ['zero', { auditYears: '0' }, 'auditYears', 'Vul een getal in van 1 tot en met 20.'],
  ];
  for (const [what, fields, field, message] of bad) {
    it(`refuses ${what}: the message at the field, every typed value kept, nothing saved`, async () => {
      const posted = { ...GOOD, ...fields };
      const res = await admin.submit(PATH, posted);
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain(`id="${field}-error"`);
      expect(res.body).toContain(message);
      expect(res.body).toContain(`aria-invalid="true"`);
      expect(res.body).toContain('id="error-summary"');
      for (const [name, value] of Object.entries(posted)) {
        expect(res.body).toContain(`name="${name}" type="text" inputmode="numeric" value="${value}"`);
      }
      expect(await stored()).toEqual([]);
      expect(await audits()).toEqual([]);
      expect(await loadRetention(t.app.db)).toEqual(RETENTION_DEFAULTS);
    });
  }

  it('refuses a post without the form token', async () => {
    const res = await admin.post(PATH, GOOD);
    expect(res.statusCode).toBe(403);
    expect(await stored()).toEqual([]);
  });

  it('stores good terms, audits the change without personal data, and the dry run follows them', async () => {
    let res = await admin.submit(PATH, GOOD);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`${PATH}?klaar=1`);
    expect(await loadRetention(t.app.db)).toEqual({
      mailBodyDays: 14,
      cancelledSignupMonths: 6,
      closedRequestMonths: 24,
      auditYears: 7,
    });
    const [a] = await audits();
    expect(a).toMatchObject({
      subject_type: 'setting',
      detail: {
        before: RETENTION_DEFAULTS,
        after: { mailBodyDays: 14, cancelledSignupMonths: 6, closedRequestMonths: 24, auditYears: 7 },
      },
    });
    expect(JSON.stringify(a!.detail)).not.toMatch(/termijn|@/);
    res = await admin.get(`${PATH}?klaar=1`);
    expect(res.body).toContain('De bewaartermijnen zijn opgeslagen.');
    expect(res.body).toContain('value="24"');
    expect(res.body).toMatch(/data-count="closedRequestsAnonymised">0</);
    expect(res.body).toContain('Er worden nu geen aanmeldingen anoniem gemaakt.');
    expect(teamId).toBeGreaterThan(0);
  });

  it('is for administrators only: 403 for every other role, the login page for nobody', async () => {
    for (const role of ['coach', 'teamlead', 'frontoffice', 'beleid'] as const) {
      const who = await loggedIn(t.app, (await makeLogin(t.app, role === 'beleid' ? null : teamId, role)).email);
      expect((await who.get(PATH)).statusCode, role).toBe(403);
      const res = await who.post(PATH, GOOD);
      expect(res.statusCode, role).toBe(403);
    }
    const nobody = new Client(t.app);
    const res = await nobody.get(PATH);
    expect(res.statusCode).toBe(303);
    expect(String(res.headers.location)).toMatch(/^\/medewerker\/inloggen/);
  });

  it('reads the page in English', async () => {
    const res = await admin.get(`${PATH}?lang=en`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Retention periods');
    expect(res.body).toContain('A number from 1 to 90.');
  });
});
