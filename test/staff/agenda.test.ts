// My agenda (week view) and the personal iCal feed, through app.inject() on the real database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import ICAL from 'ical.js';
import { Client, createTestApp, type TestApp } from '../helpers/app.js';
import { makeBlock, makeTeam, newTokenHash } from '../helpers/fixtures.js';
import { loggedIn, makeLogin } from '../helpers/staff.js';
import { hashToken } from '../../src/domain/tokens.js';
import { cutSlots } from '../../src/domain/slots.js';

const at = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/Amsterdam' }).toJSDate();
const NOW = at('2026-11-24T10:00'); // a Tuesday, ISO week 2026-W48
const QUESTION = 'Ik heb schulden en durf de post niet meer open te maken';
const PHONE = '06 12345678';
const EMAIL = 'anna.geheim@example.nl';

describe('my agenda and my calendar feed', () => {
  let t: TestApp;
  let clock = NOW;
  let coach: Client;
  let teamId: number;
  const ids: Record<string, number> = {};

  async function appointment(blockId: number, start: string, end: string, extra: Record<string, unknown> = {}) {
    const resident = await t.app.db
      .insertInto('resident')
      .values({
        name: 'Anna de Vries',
        email: EMAIL,
        phone: PHONE,
        street: 'Steenstraat',
        house_number: '12a',
        postcode: '6811AB',
        city: 'Arnhem',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const request = await t.app.db
      .insertInto('request')
      .values({
        resident_id: resident.id,
        team_id: teamId,
        channel: 'online',
        question: QUESTION,
        status: 'scheduled',
        submitted_at: at('2026-11-20T09:00'),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const row = await t.app.db
      .insertInto('appointment')
      .values({
        request_id: request.id,
        block_id: blockId,
        starts_at: at(start),
        ends_at: at(end),
        manage_token_hash: newTokenHash(),
        ...extra,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  beforeAll(async () => {
    t = await createTestApp({ now: () => clock });
    const team = await makeTeam(t.app.db, { name: 'Wijkteam Centrum' });
    teamId = team.id;
    const me = await makeLogin(t.app, team.id, 'coach', 'Fatima El Amrani');
    const partner = await makeLogin(t.app, team.id, 'coach', 'Jeroen Bakker');
    const other = await makeLogin(t.app, team.id, 'coach', 'Sanne Visser');
    ids.me = me.id;
    ids.partner = partner.id;
    // Today (Tuesday): 09:00–12:00 → slots 09:00 and 10:30 (60 minutes + 30 travel).
    ids.today = await makeBlock(t.app.db, {
      teamId,
      start: at('2026-11-24T09:00'),
      end: at('2026-11-24T12:00'),
      coachIds: [me.id, partner.id],
    });
    // Thursday with another partner: 13:00 and 14:30.
    ids.thursday = await makeBlock(t.app.db, {
      teamId,
      start: at('2026-11-26T13:00'),
      end: at('2026-11-26T16:00'),
      coachIds: [me.id, other.id],
    });
    // Not mine: the partner with someone else on Wednesday.
    ids.notMine = await makeBlock(t.app.db, {
      teamId,
      start: at('2026-11-25T09:00'),
      end: at('2026-11-25T12:00'),
      coachIds: [partner.id, other.id],
    });
    // Next week, Monday.
    ids.nextWeek = await makeBlock(t.app.db, {
      teamId,
      start: at('2026-11-30T09:00'),
      end: at('2026-11-30T12:00'),
      coachIds: [me.id, partner.id],
    });
    // Spring: the day summer time starts, and a winter-time day before it.
    ids.spring = await makeBlock(t.app.db, {
      teamId,
      start: at('2027-03-28T09:00'),
      end: at('2027-03-28T12:00'),
      coachIds: [me.id, partner.id],
    });
    ids.march = await makeBlock(t.app.db, {
      teamId,
      start: at('2027-03-10T09:00'),
      end: at('2027-03-10T12:00'),
      coachIds: [me.id, other.id],
    });

    ids.a1 = await appointment(ids.today, '2026-11-24T10:30', '2026-11-24T11:30');
    ids.a2 = await appointment(ids.thursday, '2026-11-26T14:30', '2026-11-26T15:30', { mode: 'phone' });
    ids.cancelled = await appointment(ids.thursday, '2026-11-26T13:00', '2026-11-26T14:00', { status: 'cancelled' });
    ids.notMineAppt = await appointment(ids.notMine, '2026-11-25T09:00', '2026-11-25T10:00');
    ids.soloPartner = await appointment(ids.nextWeek, '2026-11-30T09:00', '2026-11-30T10:00', {
      solo_coach_id: partner.id,
    });
    ids.spring1 = await appointment(ids.spring, '2027-03-28T10:30', '2027-03-28T11:30', { mode: 'home' });
    ids.march1 = await appointment(ids.march, '2027-03-10T09:00', '2027-03-10T10:00', { mode: 'office' });
    coach = await loggedIn(t.app, me.email);
  });
  afterAll(async () => t.close());

  describe('week view', () => {
    it('shows my blocks of this week with partner and free and booked slots, today first', async () => {
      const res = await coach.get('/medewerker/agenda');
      expect(res.statusCode).toBe(200);
      const html = res.body;
      // Today's appointment is listed at the top, before the week.
      const todayAt = html.indexOf('id="today-title"');
      const weekAt = html.indexOf('id="week-title"');
      const todayLink = html.indexOf(`href="/medewerker/afspraken/${ids.a1}"`);
      expect(todayAt).toBeGreaterThan(0);
      expect(todayLink).toBeGreaterThan(todayAt);
      expect(todayLink).toBeLessThan(weekAt);
      expect(html.slice(todayAt, weekAt)).toContain('10:30–11:30');
      expect(html.slice(todayAt, weekAt)).not.toContain(`/medewerker/afspraken/${ids.a2}`);

      const week = html.slice(weekAt);
      expect(week).toContain('Week 48: ma 23 nov tot en met vr 27 nov');
      // Today's block with the partner, a free 09:00 slot and the booked 10:30.
      const todayBlock = blockHtml(week, ids.today!);
      expect(todayBlock).toContain('09:00–12:00, met Jeroen Bakker');
      expect(rows(todayBlock)).toEqual([
        { time: '09:00–10:00', state: 'Vrij', link: null },
        { time: '10:30–11:30', state: 'Geboekt: Anna de Vries', link: `/medewerker/afspraken/${ids.a1}` },
      ]);
      // Thursday: the cancelled appointment frees its slot again; the phone one is booked.
      const thursday = blockHtml(week, ids.thursday!);
      expect(thursday).toContain('met Sanne Visser');
      expect(rows(thursday)).toEqual([
        { time: '13:00–14:00', state: 'Vrij', link: null },
        { time: '14:30–15:30', state: 'Geboekt: Anna de Vries', link: `/medewerker/afspraken/${ids.a2}` },
      ]);
      expect(thursday).toContain('Telefonisch');
      // Not my block, not next week's.
      expect(week).not.toContain(`data-block="${ids.notMine}"`);
      expect(week).not.toContain(`data-block="${ids.nextWeek}"`);
      expect(week).not.toContain(`/medewerker/afspraken/${ids.cancelled}`);
      // The slot times are the public calendar's cut of the block.
      const cut = cutSlots({
        id: ids.today!,
        starts_at: at('2026-11-24T09:00'),
        ends_at: at('2026-11-24T12:00'),
        slot_minutes: 60,
        buffer_minutes: 30,
      });
      expect(cut.map((s) => DateTime.fromJSDate(s.start, { zone: 'Europe/Amsterdam' }).toFormat('HH:mm'))).toEqual([
        '09:00',
        '10:30',
      ]);
      // Week navigation, Monday to Friday.
      expect(html).toContain('href="/medewerker/agenda?week=2026-W47"');
      expect(html).toContain('href="/medewerker/agenda?week=2026-W49"');
      for (const d of ['maandag 23 november 2026', 'vrijdag 27 november 2026']) expect(week).toContain(d);
      expect(week).not.toContain('zaterdag 28 november 2026');
      // The question text is not on the agenda.
      expect(html).not.toContain(QUESTION);
    });

    it('shows another week, and the partner going alone', async () => {
      const res = await coach.get('/medewerker/agenda?week=2026-W49');
      expect(res.statusCode).toBe(200);
      const week = res.body.slice(res.body.indexOf('id="week-title"'));
      expect(week).toContain('Week 49: ma 30 nov tot en met vr 4 dec');
      const block = blockHtml(week, ids.nextWeek!);
      expect(rows(block)[0]).toEqual({
        time: '09:00–10:00',
        state: 'Geboekt: Anna de Vries',
        link: `/medewerker/afspraken/${ids.soloPartner}`,
      });
      expect(block).toContain('alleen Jeroen Bakker gaat');
      expect(week).not.toContain(`data-block="${ids.today}"`);
      // Today's appointments stay at the top, whatever week is shown.
      expect(res.body.slice(0, res.body.indexOf('id="week-title"'))).toContain(`/medewerker/afspraken/${ids.a1}`);
      expect(res.body).toContain('href="/medewerker/agenda"');
    });

    it('answers a week that does not exist with a message and this week', async () => {
      for (const bad of ['2026-W54', 'volgende', '2027-W53']) {
        const res = await coach.get(`/medewerker/agenda?week=${bad}`);
        expect(res.statusCode).toBe(400);
        expect(res.body).toContain('Deze week bestaat niet. U ziet nu deze week.');
        expect(res.body).toContain('Week 48:');
      }
      // 2026 has 53 ISO weeks.
      const res = await coach.get('/medewerker/agenda?week=2026-W53');
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('Week 53: ma 28 dec tot en met vr 1 jan');
    });

    it('is for coaches and team leads only', async () => {
      const front = await makeLogin(t.app, null, 'frontoffice');
      const c = await loggedIn(t.app, front.email);
      expect((await c.get('/medewerker/agenda')).statusCode).toBe(403);
      const anon = await new Client(t.app).get('/medewerker/agenda');
      expect(anon.statusCode).toBe(303);
    });
  });

  describe('calendar feed', () => {
    async function makeFeed(): Promise<string> {
      let res = await coach.get('/medewerker/agenda/koppeling');
      expect(res.statusCode).toBe(200);
      res = await coach.submit('/medewerker/agenda/koppeling', {});
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe('/medewerker/agenda/koppeling');
      res = await coach.get('/medewerker/agenda/koppeling');
      const m = /value="http:\/\/localhost:\d+\/agenda\/([A-Za-z0-9_-]{43})\.ics"/.exec(res.body);
      expect(m, 'feed URL shown once after making it').not.toBeNull();
      // Shown once: the next view no longer has it.
      const again = await coach.get('/medewerker/agenda/koppeling');
      expect(again.body).not.toContain(m![1]!);
      expect(again.body).toContain('U heeft al een link');
      return m![1]!;
    }

    function parse(text: string) {
      const cal = new ICAL.Component(ICAL.parse(text));
      return cal.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
    }

    it('offers to make a link, and stores only its hash', async () => {
      const res = await coach.get('/medewerker/agenda/koppeling');
      expect(res.body).toContain('Maak een link');
      expect(res.body).toContain('name="_csrf"');
      const token = await makeFeed();
      const row = await t.app.db
        .selectFrom('staff_user')
        .select('ical_token_hash')
        .where('id', '=', ids.me!)
        .executeTakeFirstOrThrow();
      expect(row.ical_token_hash).toBe(hashToken(token));
      expect(row.ical_token_hash).not.toContain(token);
      const audits = await t.app.db
        .selectFrom('audit_event')
        .select('action')
        .where('action', '=', 'ical_token_rotated')
        .where('actor_staff_id', '=', ids.me!)
        .execute();
      expect(audits.length).toBeGreaterThan(0);
    });

    it('serves my appointments with the right instants, mode, address and link, without question or contact details', async () => {
      const token = await makeFeed();
      // The feed is read later, when both March appointments fall between 4 weeks back and the
      // 21-day horizon (the staff session would have expired by then; the feed needs none).
      clock = at('2027-03-20T12:00');
      try {
        const res = await new Client(t.app).get(`/agenda/${token}.ics`);
        expect(res.statusCode).toBe(200);
        expect(res.headers['content-type']).toMatch(/^text\/calendar/);
        const text = res.body;
        expect(text).not.toContain(QUESTION);
        expect(text).not.toContain('schulden');
        expect(text).not.toContain(PHONE);
        expect(text).not.toContain('0612345678');
        expect(text).not.toContain(EMAIL);
        const events = parse(text);
        const byUid = new Map(events.map((e) => [e.uid, e]));
        expect(events).toHaveLength(2);
        const spring = byUid.get(`agenda-appointment-${ids.spring1}@localhost`)!;
        expect(spring).toBeDefined();
        // 10:30 CEST on the day summer time starts is 08:30 UTC.
        expect(spring.startDate.toJSDate().toISOString()).toBe('2027-03-28T08:30:00.000Z');
        expect(spring.endDate.toJSDate().toISOString()).toBe('2027-03-28T09:30:00.000Z');
        expect(spring.location).toBe('Steenstraat 12a, 6811 AB Arnhem');
        expect(spring.summary).toBe('Keukentafelgesprek (huisbezoek)');
        const link = `http://localhost:${new URL(t.app.config.publicUrl).port}/medewerker/afspraken/${ids.spring1}`;
        expect(spring.component.getFirstPropertyValue('url')).toBe(link);
        expect(spring.description).toContain(link);
        // 09:00 CET in winter is 08:00 UTC.
        const march = byUid.get(`agenda-appointment-${ids.march1}@localhost`)!;
        expect(march.startDate.toJSDate().toISOString()).toBe('2027-03-10T08:00:00.000Z');
        expect(march.location).toBe('Wijkcentrum, Arnhem');
        expect(march.summary).toBe('Keukentafelgesprek (op kantoor)');
      } finally {
        clock = NOW;
      }
    });

    it('leaves out cancelled appointments, appointments where only the partner goes, and other coaches', async () => {
      const token = await makeFeed();
      clock = at('2026-11-23T08:00');
      try {
        const events = parse((await new Client(t.app).get(`/agenda/${token}.ics`)).body);
        const uids = events.map((e) => e.uid).sort();
        expect(uids).toEqual(
          [`agenda-appointment-${ids.a1}@localhost`, `agenda-appointment-${ids.a2}@localhost`].sort(),
        );
        const phone = events.find((e) => e.uid === `agenda-appointment-${ids.a2}@localhost`)!;
        expect(phone.summary).toBe('Keukentafelgesprek (telefonisch)');
        expect(phone.location).toBeNull();
        expect(phone.startDate.toJSDate().toISOString()).toBe('2026-11-26T13:30:00.000Z');
      } finally {
        clock = NOW;
      }
    });

    it('stops the old URL when a new one is made, and knows no other tokens', async () => {
      const first = await makeFeed();
      const anon = new Client(t.app);
      expect((await anon.get(`/agenda/${first}.ics`)).statusCode).toBe(200);
      const second = await makeFeed();
      expect(second).not.toBe(first);
      expect((await anon.get(`/agenda/${first}.ics`)).statusCode).toBe(404);
      expect((await anon.get(`/agenda/${second}.ics`)).statusCode).toBe(200);
      expect((await anon.get(`/agenda/${'a'.repeat(43)}.ics`)).statusCode).toBe(404);
      expect((await anon.get('/agenda/kort.ics')).statusCode).toBe(404);
      // A deactivated account's feed stops too.
      await t.app.db.updateTable('staff_user').set({ active: false }).where('id', '=', ids.me!).execute();
      try {
        expect((await anon.get(`/agenda/${second}.ics`)).statusCode).toBe(404);
      } finally {
        await t.app.db.updateTable('staff_user').set({ active: true }).where('id', '=', ids.me!).execute();
      }
    });
  });
});

/** The HTML of one block in the week view. */
function blockHtml(html: string, blockId: number): string {
  const start = html.indexOf(`data-block="${blockId}"`);
  if (start < 0) throw new Error(`block ${blockId} not on the page`);
  const end = html.indexOf('</table>', start);
  return html.slice(start, end);
}

/** The slot rows of a block: time, state text and the link of a booked one. */
function rows(block: string): { time: string; state: string; link: string | null }[] {
  const out: { time: string; state: string; link: string | null }[] = [];
  for (const m of block.matchAll(/<tr class="kt-slot-(?:free|booked)">([\s\S]*?)<\/tr>/g)) {
    const cells = [...m[1]!.matchAll(/<td>([\s\S]*?)<\/td>/g)].map((c) => c[1]!);
    const link = /href="([^"]+)"/.exec(cells[1]!)?.[1] ?? null;
    out.push({
      time: cells[0]!.trim(),
      state: cells[1]!
        .replace(/<[^>]+>/g, '')
        .replace(/\s*\(.*\)$/, '')
        .trim(),
      link,
    });
  }
  return out;
}
