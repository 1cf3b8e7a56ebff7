// In Chromium: a team lead logs in and opens the capacity page and the queue (and the booking
// form for residents who phone); zero axe-core violations (WCAG 2.1 AA) on each.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { randomUUID } from 'node:crypto';
import { axeViolations, browserAvailable, describeViolations, startHarness, type BrowserHarness } from './browser.js';
import { makeBlock, makeTeam } from '../helpers/fixtures.js';
import { makeLogin, PASSWORD } from '../helpers/staff.js';

const at = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/Amsterdam' }).toJSDate();
const NOW = at('2026-11-24T10:00');

describe.skipIf(!browserAvailable)('team lead: capacity and queue in Chromium', () => {
  let h: BrowserHarness;
  let leadEmail: string;
  beforeAll(async () => {
    h = await startHarness({ now: () => NOW });
    const db = h.t.app.db;
    const team = await makeTeam(db, { name: 'Wijkteam Centrum', from: '6811AA', to: '6814ZZ' });
    const a = await makeLogin(h.t.app, team.id, 'coach', 'Fatima El Amrani');
    const b = await makeLogin(h.t.app, team.id, 'coach', 'Jeroen Bakker');
    const blockId = await makeBlock(db, {
      teamId: team.id,
      start: at('2026-11-26T09:00'),
      end: at('2026-11-26T12:00'),
      coachIds: [a.id, b.id],
    });
    await makeBlock(db, {
      teamId: team.id,
      start: at('2026-12-11T13:30'),
      end: at('2026-12-11T16:30'),
      coachIds: [a.id, b.id],
    });
    leadEmail = (await makeLogin(h.t.app, team.id, 'teamlead', 'Marieke Teunissen')).email;
    const request = async (name: string, teamId: number | null, urgent: boolean, submitted: string) => {
      const r = await db
        .insertInto('resident')
        .values({ name, phone: '06 12345678' })
        .returning('id')
        .executeTakeFirstOrThrow();
      return db
        .insertInto('request')
        .values({
          resident_id: r.id,
          team_id: teamId,
          channel: 'online',
          question: 'Hulp',
          status: urgent || teamId ? 'callback' : 'new',
          urgent_24h: urgent,
          submitted_at: at(submitted),
          idempotency_key: randomUUID(),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
    };
    const booked = await request('Anna de Vries', team.id, false, '2026-11-20T09:00');
    await db.updateTable('request').set({ status: 'scheduled' }).where('id', '=', booked.id).execute();
    await db
      .insertInto('appointment')
      .values({
        request_id: booked.id,
        block_id: blockId,
        starts_at: at('2026-11-26T09:00'),
        ends_at: at('2026-11-26T10:00'),
        manage_token_hash: 'e2e-capacity',
      })
      .execute();
    await request('Bram Jansen', team.id, true, '2026-11-23T09:00');
    await request('Cor Visser', team.id, false, '2026-11-24T08:00');
    await request('Dina Smit', null, false, '2026-11-22T09:00');
  });
  afterAll(async () => h?.close());

  it('logs in, sees capacity with a chart and the queue, without axe violations', async () => {
    const { page } = await h.newPage();
    await page.goto('/medewerker/capaciteit');
    expect(page.url()).toContain('/medewerker/inloggen');
    await page.getByLabel('E-mailadres').fill(leadEmail);
    await page.getByLabel('Wachtwoord').fill(PASSWORD);
    await page.getByRole('button', { name: 'Inloggen' }).click();
    await page.waitForURL('**/medewerker/capaciteit');
    await expect(page.locator('h1').textContent()).resolves.toBe('Capaciteit van Wijkteam Centrum');
    // The chart is an image with a name; the warnings are visible.
    const chart = page.getByRole('img', { name: 'Vrije en geboekte plekken per dag' });
    expect(await chart.count()).toBe(1);
    const box = (await chart.boundingBox())!;
    expect(box.height).toBeGreaterThan(100);
    // It scales to its column (no sideways scrolling) and prints every day's free count as text;
    // the legend names the series and the promise line, and a summary in words is shown under it.
    const figure = (await page.locator('figure.kt-chart-figure').boundingBox())!;
    expect(box.width).toBeLessThanOrEqual(figure.width + 1);
    const labels = await chart.locator('text[font-weight="bold"]').allTextContents();
    const free = await page.locator('#days-table tbody td[data-free]').allTextContents();
    expect(free).toHaveLength(16);
    expect(labels).toEqual(expect.arrayContaining(free.map((f) => f.trim())));
    const texts = await chart.locator('text').allTextContents();
    expect(texts).toEqual(expect.arrayContaining(['Geboekt', 'Vrij']));
    expect(texts.some((x) => /^Belofte: \d+ dagen$/.test(x))).toBe(true);
    await expect(page.locator('.kt-chart-summary').isVisible()).resolves.toBe(true);
    await expect(page.locator('#warn-threshold').isVisible()).resolves.toBe(true);
    expect(await page.locator('#days-table tbody tr').count()).toBe(16);
    const capacity = await axeViolations(page);
    expect(capacity, describeViolations(capacity)).toEqual([]);

    await page.getByRole('link', { name: 'Wachtrij' }).first().click();
    await page.waitForURL('**/medewerker/wachtrij');
    await expect(page.locator('#urgent + p + ul').textContent()).resolves.toContain('Bram Jansen');
    await expect(page.locator('#unassigned + p + ul').textContent()).resolves.toContain('Dina Smit');
    const queue = await axeViolations(page);
    expect(queue, describeViolations(queue)).toEqual([]);

    // An empty note: the error is shown next to the field, and the page stays accessible.
    await page.locator('details summary').first().click();
    await page.getByRole('button', { name: 'Teruggebeld' }).first().click();
    await expect(page.locator('.kt-error-summary').isVisible()).resolves.toBe(true);
    const queueError = await axeViolations(page);
    expect(queueError, describeViolations(queueError)).toEqual([]);

    await page.goto('/medewerker/namens');
    await expect(page.locator('h1').textContent()).resolves.toBe('Afspraak maken voor een inwoner');
    const form = await axeViolations(page);
    expect(form, describeViolations(form)).toEqual([]);
    await page.getByRole('button', { name: 'Afspraak maken' }).click();
    await expect(page.locator('.kt-error-summary').isVisible()).resolves.toBe(true);
    const formError = await axeViolations(page);
    expect(formError, describeViolations(formError)).toEqual([]);
  });
});
