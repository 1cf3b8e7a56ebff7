// The figures on a history whose answers are known by construction, on the database the suite
// runs on (embedded, or the server with TEST_DATABASE_URL): requests written as the portal
// stores them (insertStories), then read through the page and the three exports as a beleid user
// and a team lead. Each story is written five times (other residents), so counts are 5 or more
// and shown; one story once, so its count is hidden. Edge cases: a no-show then rebooked, a
// sign-up withdrawn without a conversation, a returning resident, a call-back, a sign-up at
// 23:30 on the last day of the month before, and a conversation after the clock change of
// 25 October 2026 for a sign-up at 00:30 (local and UTC dates differ).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { createTestApp, type Client, type TestApp } from '../helpers/app.js';
import { makeTeam } from '../helpers/fixtures.js';
import { loggedIn, makeLogin } from '../helpers/staff.js';
import { insertStories } from '../../src/db/seed/history.js';
import { at, stories } from './figures-known-stories.js';
import { requestFacts } from '../../src/features/figures/repository.js';
import { displayValue } from '../../src/features/figures/format.js';
import { translator } from '../../src/core/i18n.js';
import type { FigureRow } from '../../src/domain/figures-model.js';

const NOW = at('2026-11-24T10:00');
const OCTOBER = 'periode=maand&jaar=2026&maand=10';

interface JsonFigure {
  key: string;
  value: number | null;
  suppressed: boolean;
  previous: number | null;
  previousSuppressed: boolean;
}

describe('figures on a known history', () => {
  let t: TestApp;
  let teams: { A: number; B: number };
  let beleid: Client;
  let lead: Client;

  beforeAll(async () => {
    t = await createTestApp({ now: () => NOW });
    const db = t.app.db;
    teams = {
      A: (await makeTeam(db, { name: 'Wijkteam Oost' })).id,
      B: (await makeTeam(db, { name: 'Wijkteam West' })).id,
    };
    const duos: { teamId: number; a: number; b: number }[] = [];
    // Five duos per team: the five copies of a story meet at the same time.
    for (const teamId of [...Array(5).fill(teams.A), ...Array(5).fill(teams.B)] as number[]) {
      const a = await makeLogin(t.app, teamId, 'coach');
      const b = await makeLogin(t.app, teamId, 'coach');
      duos.push({ teamId, a: a.id, b: b.id });
    }
    await db.transaction().execute((trx) => insertStories(trx, stories(teams), { duos }));
    beleid = await loggedIn(t.app, (await makeLogin(t.app, null, 'beleid')).email);
    lead = await loggedIn(t.app, (await makeLogin(t.app, teams.A, 'teamlead')).email);
  }, 120_000);
  afterAll(async () => t.close());

  async function figures(c: Client, query: string): Promise<Map<string, JsonFigure>> {
    const res = await c.get(`/medewerker/cijfers/export.json?${query}`);
    expect(res.statusCode, query).toBe(200);
    const body = JSON.parse(res.body) as { figures: JsonFigure[] };
    return new Map(body.figures.map((f) => [f.key, f]));
  }
  const values = (m: Map<string, JsonFigure>, keys: string[]) =>
    Object.fromEntries(keys.map((k) => [k, m.get(k)!.value]));

  it('reads one row of facts per request with the moment of every step', async () => {
    const facts = await requestFacts(t.app.db, {
      teamId: teams.A,
      submittedSince: at('2020-01-01T00:00'),
      closedSince: at('2020-01-01T00:00'),
      to: NOW,
    });
    expect(facts).toHaveLength(5 * 14);
    const bySubmitted = (iso: string) => facts.filter((f) => f.submittedAt.getTime() === at(iso).getTime());
    expect(bySubmitted('2026-10-07T11:00').map((f) => [f.noShowsAt, f.firstConversationAt, f.referrerKind])).toEqual(
      Array(5).fill([[at('2026-10-21T09:00')], at('2026-11-02T09:00'), 'school']),
    );
    expect(bySubmitted('2026-10-09T14:00')[0]).toMatchObject({
      cancellationsAt: [{ at: at('2026-10-12T08:00'), by: 'resident' }],
      withdrawn: true,
      closedAt: at('2026-10-12T08:00'),
      firstConversationAt: null,
    });
    expect(bySubmitted('2026-10-08T08:00')[0]).toMatchObject({
      channel: 'phone',
      urgent: true,
      callbackRequestedAt: at('2026-10-08T08:00'),
      callbackDoneAt: at('2026-10-09T10:00'),
      firstResult: 'support_continues',
    });
    const back = bySubmitted('2026-10-13T09:00');
    expect(back.every((f) => f.returning)).toBe(true);
    const first = bySubmitted('2026-02-02T10:00');
    expect(new Set(back.map((f) => f.residentId))).toEqual(new Set(first.map((f) => f.residentId)));
  });

  it('computes October for one team: inflow, waiting time, lead time, outcomes, no-shows, returns, call-backs', async () => {
    const m = await figures(beleid, `${OCTOBER}&team=${teams.A}`);
    expect(
      values(m, [
        'inflow.total',
        'inflow.channel.self',
        'inflow.channel.referrer',
        'inflow.channel.frontoffice',
        'inflow.channel.return',
        'inflow.referrer.huisarts',
        'inflow.referrer.school',
        'inflow.referrer.veilig_thuis',
      ]),
    ).toEqual({
      'inflow.total': 35,
      'inflow.channel.self': 15,
      'inflow.channel.referrer': 10,
      'inflow.channel.frontoffice': 5,
      'inflow.channel.return': 5,
      'inflow.referrer.huisarts': 5,
      'inflow.referrer.school': 5,
      'inflow.referrer.veilig_thuis': 0,
    });
    // Waiting days {1, 4, 7, 14, 18, 20}, five times each.
    expect(values(m, ['waiting.n', 'waiting.median', 'waiting.p80', 'waiting.within14', 'waiting.within21'])).toEqual({
      'waiting.n': 30,
      'waiting.median': 10.5,
      'waiting.p80': 18,
      'waiting.within14': 20,
      'waiting.within21': 30,
    });
    expect(m.get('waiting.within14share')!.value).toBeCloseTo(2 / 3, 10);
    expect(m.get('waiting.within21share')!.value).toBe(1);
    expect(
      values(m, [
        'waitingdist.0-7',
        'waitingdist.8-14',
        'waitingdist.15-21',
        'waitingdist.22-28',
        'waitingdist.29plus',
      ]),
    ).toEqual({
      'waitingdist.0-7': 15,
      'waitingdist.8-14': 5,
      'waitingdist.15-21': 10,
      'waitingdist.22-28': 0,
      'waitingdist.29plus': 0,
    });
    expect(values(m, ['leadtime.n', 'leadtime.median'])).toEqual({ 'leadtime.n': 5, 'leadtime.median': 11 });
    expect(
      values(m, [
        'outcomes.solved',
        'outcomes.advice_only',
        'outcomes.plan_made',
        'outcomes.support_continues',
        'outcomes.referred_on',
        'outcomes.none',
      ]),
    ).toEqual({
      'outcomes.solved': 5,
      'outcomes.advice_only': 5,
      'outcomes.plan_made': 5,
      'outcomes.support_continues': 5,
      'outcomes.referred_on': 5,
      'outcomes.none': 5,
    });
    expect(values(m, ['noshows.total', 'cancellations.resident', 'cancellations.staff', 'returning.signups'])).toEqual({
      'noshows.total': 5,
      'cancellations.resident': 5,
      'cancellations.staff': 0,
      'returning.signups': 5,
    });
    expect(
      values(m, [
        'callbacks.requested',
        'callbacks.done',
        'callbacks.urgent',
        'callbacks.urgentMedianHours',
        'callbacks.urgentWithin24',
      ]),
    ).toEqual({
      'callbacks.requested': 5,
      'callbacks.done': 5,
      'callbacks.urgent': 5,
      'callbacks.urgentMedianHours': 26,
      'callbacks.urgentWithin24': 0,
    });
    // Closed in October: one story (the withdrawn one does not count); too recent to judge a return.
    expect(values(m, ['recidive.closed', 'recidive.base6', 'recidive.share6'])).toEqual({
      'recidive.closed': 5,
      'recidive.base6': 0,
      'recidive.share6': null,
    });
    // September: stories 8 and 9.
    expect(m.get('inflow.total')!.previous).toBe(10);
  });

  it('follows the waiting-time definition: working days, and from the first contact', async () => {
    const working = await figures(beleid, `${OCTOBER}&team=${teams.A}&dagen=werk`);
    // {1, 2, 5, 10, 14, 14}, five times each.
    expect(values(working, ['waiting.median', 'waiting.p80', 'waiting.within14'])).toEqual({
      'waiting.median': 7.5,
      'waiting.p80': 14,
      'waiting.within14': 30,
    });
    expect(working.get('leadtime.median')!.value).toBe(7);
    const contact = await figures(beleid, `${OCTOBER}&team=${teams.A}&wachttijd=contact`);
    // The call-back story counts from the call (3 days) instead of the sign-up (4 days).
    expect(values(contact, ['waiting.median', 'waiting.within14', 'waitingdist.0-7'])).toEqual({
      'waiting.median': 10.5,
      'waiting.within14': 20,
      'waitingdist.0-7': 15,
    });
  });

  it('computes return after closure within 6 and 12 months', async () => {
    const m = await figures(beleid, `periode=jaar&jaar=2025&team=${teams.A}`);
    expect(
      values(m, [
        'recidive.closed',
        'recidive.base6',
        'recidive.returned6',
        'recidive.share6',
        'recidive.base12',
        'recidive.returned12',
        'recidive.share12',
      ]),
    ).toEqual({
      'recidive.closed': 10,
      'recidive.base6': 10,
      'recidive.returned6': 5,
      'recidive.share6': 0.5,
      'recidive.base12': 5,
      'recidive.returned12': 5,
      'recidive.share12': 1,
    });
  });

  it('charts sign-ups per quarter over more than two years, with the same counts in its table', async () => {
    const page = (await beleid.get(`/medewerker/cijfers?periode=eigen&van=1-1-2024&tot=31-12-2026&team=${teams.A}`))
      .body;
    expect(page).toContain('Aanmeldingen per kwartaal, per manier van aanmelden');
    const row = (label: string) =>
      new RegExp(`<th scope="row">${label}</th>((?:<td>[^<]*</td>)+)</tr>`)
        .exec(page)?.[1]
        ?.match(/<td>([^<]*)<\/td>/g)
        ?.map((c) => c.replace(/<\/?td>/g, ''));
    // Self online, referrer, front office, back with a new question.
    expect(row('K4 2026')).toEqual(['15', '10', '5', '5']);
    expect(row('K3 2026')).toEqual(['10', '0', '0', '0']);
    expect(row('K1 2026')).toEqual(['5', '0', '0', '5']);
    expect(row('K4 2025')).toEqual(['10', '0', '0', '0']);
  });

  it('adds the teams up for the municipality and hides a count under 5 everywhere', async () => {
    const all = await figures(beleid, `${OCTOBER}&team=alle`);
    expect(values(all, ['inflow.total', 'inflow.channel.referrer', 'cancellations.staff'])).toEqual({
      'inflow.total': 46,
      'inflow.channel.referrer': 11,
      'cancellations.staff': 5,
    });
    expect(all.get('inflow.referrer.veilig_thuis')).toMatchObject({ value: null, suppressed: true });
    const west = await figures(beleid, `${OCTOBER}&team=${teams.B}`);
    expect(west.get('inflow.total')!.value).toBe(11);
    expect(west.get('inflow.channel.referrer')).toMatchObject({ value: null, suppressed: true });
    const csv = await beleid.get(`/medewerker/cijfers/export.csv?${OCTOBER}&team=${teams.B}`);
    const rows = parse(csv.body, { delimiter: ';', bom: true }) as string[][];
    const referrer = rows.find((r) => r[1] === translator('nl')('figures.rows.inflow.channel.referrer'))!;
    expect(referrer[2]).toBe('< 5');
    const page = await beleid.get(`/medewerker/cijfers?${OCTOBER}&team=${teams.B}`);
    expect(page.body).toMatch(/<tr data-key="inflow\.referrer\.veilig_thuis">[\s\S]*?<td>&lt; 5<\/td>/);
    // Nothing on the page names a resident.
    for (const name of ['Zeventien', 'Tien', 'Elf']) expect(page.body).not.toContain(name);
  });

  it('shows the same figures on the page, in the CSV and in the spreadsheet as in the JSON', async () => {
    const query = `${OCTOBER}&team=${teams.A}`;
    const json = JSON.parse((await lead.get(`/medewerker/cijfers/export.json?${query}`)).body) as {
      figures: (JsonFigure & { unit: FigureRow['unit'] })[];
    };
    const page = (await lead.get(`/medewerker/cijfers?${query}`)).body;
    const t = translator('nl');
    for (const f of json.figures) {
      const row: FigureRow = { ...f, group: '' };
      const cells = new RegExp(
        `<tr data-key="${f.key.replace(/\./g, '\\.')}">\\s*<th scope="row">[^<]*</th>\\s*<td>([^<]*)</td>\\s*<td>([^<]*)</td>`,
      ).exec(page);
      expect(cells, f.key).not.toBeNull();
      const unescape = (s: string) => s.replace(/&lt;/g, '<').replace(/&amp;/g, '&');
      expect(unescape(cells![1]!), f.key).toBe(displayValue(row, 'value', 'nl', t));
      expect(unescape(cells![2]!), f.key).toBe(displayValue(row, 'previous', 'nl', t));
    }
    const number = (s: string, unit: string) =>
      s === ''
        ? null
        : s === '< 5'
          ? 'hidden'
          : Number(s.replace(/\./g, '').replace(',', '.')) / (unit === 'share' ? 100 : 1);
    const expected = (v: number | null, hidden: boolean, unit: string) =>
      hidden ? 'hidden' : v === null ? null : unit === 'share' ? Math.round(v * 1000) / 1000 : Math.round(v * 10) / 10;
    const csv = parse((await lead.get(`/medewerker/cijfers/export.csv?${query}`)).body, {
      delimiter: ';',
      bom: true,
    }) as string[][];
    expect(csv.length - 1).toBe(json.figures.length);
    json.figures.forEach((f, i) => {
      const line = csv[i + 1]!;
      expect(number(line[2]!, f.unit), f.key).toEqual(expected(f.value, f.suppressed, f.unit));
      expect(number(line[3]!, f.unit), f.key).toEqual(expected(f.previous, f.previousSuppressed, f.unit));
    });
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await lead.get(`/medewerker/cijfers/export.xlsx?${query}`)).rawPayload as never);
    const sheet = book.worksheets[0]!;
    json.figures.forEach((f, i) => {
      const cell = sheet.getRow(i + 3).getCell(3).value;
      const want = expected(f.value, f.suppressed, f.unit);
      if (want === 'hidden') expect(cell, f.key).toBe('< 5');
      else if (want === null) expect(cell ?? null, f.key).toBeNull();
      else expect(Math.round(Number(cell) * 1000) / 1000, f.key).toBe(want);
    });
  });
});
