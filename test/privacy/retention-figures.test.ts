// The figures survive retention: the known history of test/staff/figures-known.test.ts, its
// figures read through the JSON export (and the facts per request) before and after a retention
// run with a clock two years ahead, when every closed and cancelled request is anonymised. Same
// figures, to the last field; on the database the suite runs on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Client, type TestApp } from '../helpers/app.js';
import { makeTeam } from '../helpers/fixtures.js';
import { loggedIn, makeLogin } from '../helpers/staff.js';
import { insertStories } from '../../src/db/seed/history.js';
import { requestFacts } from '../../src/features/figures/repository.js';
import { runRetention } from '../../src/features/retention/service.js';
import { at, stories } from '../staff/figures-known-stories.js';

const NOW = at('2026-11-24T10:00');
const LATER = at('2028-12-01T10:00');

describe('the figures before and after retention', () => {
  let t: TestApp;
  let clock = NOW;
  let teams: { A: number; B: number };
  let beleid: Client;

  beforeAll(async () => {
    t = await createTestApp({ now: () => clock });
    const db = t.app.db;
    teams = {
      A: (await makeTeam(db, { name: 'Wijkteam Oost' })).id,
      B: (await makeTeam(db, { name: 'Wijkteam West' })).id,
    };
    const duos: { teamId: number; a: number; b: number }[] = [];
    for (const teamId of [...Array(5).fill(teams.A), ...Array(5).fill(teams.B)] as number[]) {
      const a = await makeLogin(t.app, teamId, 'coach');
      const b = await makeLogin(t.app, teamId, 'coach');
      duos.push({ teamId, a: a.id, b: b.id });
    }
    await db.transaction().execute((trx) => insertStories(trx, stories(teams), { duos }));
    beleid = await loggedIn(t.app, (await makeLogin(t.app, null, 'beleid')).email);
  }, 120_000);
  afterAll(async () => t.close());

  const queries = () => [
    'periode=maand&jaar=2026&maand=10&team=alle',
    `periode=maand&jaar=2026&maand=10&team=${teams.A}`,
    `periode=maand&jaar=2026&maand=10&team=${teams.B}&dagen=werk`,
    `periode=maand&jaar=2026&maand=10&team=${teams.A}&wachttijd=contact`,
    `periode=jaar&jaar=2025&team=${teams.A}`,
    'periode=jaar&jaar=2026&team=alle',
  ];

  async function snapshot() {
    const exports: unknown[] = [];
    for (const q of queries()) {
      const res = await beleid.get(`/medewerker/cijfers/export.json?${q}`);
      expect(res.statusCode, q).toBe(200);
      exports.push(JSON.parse(res.body));
    }
    const facts = await requestFacts(t.app.db, {
      teamId: null,
      submittedSince: at('2020-01-01T00:00'),
      closedSince: at('2020-01-01T00:00'),
      to: NOW,
    });
    return { exports, facts };
  }

  it('shows the same figures after every closed request is anonymised', async () => {
    const db = t.app.db;
    const before = await snapshot();
    const ended = await db
      .selectFrom('request')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('status', 'in', ['closed', 'cancelled'])
      .executeTakeFirstOrThrow();
    expect(Number(ended.n)).toBeGreaterThan(20);

    clock = LATER;
    const done = await runRetention(db, LATER, { dryRun: false });
    clock = NOW;
    expect(done.cancelledSignupsAnonymised + done.closedRequestsAnonymised).toBe(Number(ended.n));
    const anonymised = await db
      .selectFrom('request')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('anonymised_at', 'is not', null)
      .executeTakeFirstOrThrow();
    expect(Number(anonymised.n)).toBe(Number(ended.n));
    // The residents of ended requests only: nothing personal left.
    const left = await db
      .selectFrom('resident')
      .select(['name', 'email', 'phone'])
      .where('anonymised_at', 'is not', null)
      .execute();
    expect(left.length).toBeGreaterThan(0);
    expect(left.every((r) => r.email === null && r.phone === null)).toBe(true);

    const after = await snapshot();
    expect(after).toEqual(before);
  });
});
