// Bad input in the resident's forms: "Bad input gets a clear, specific message next to the
// field, what was typed stays filled in, and nothing is half-saved."
// Every step of the sign-up flow, the manage link's forms, HTML/script injection and CSRF,
// through app.inject() on the real database with a fixed clock.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { sql, type Kysely } from 'kysely';
import type { LightMyRequestResponse } from 'fastify';
import type { Database } from '../../src/db/schema.js';
import { Client, createTestApp, csrfFrom, type TestApp } from '../helpers/app.js';
import { makeBlock, makeStaff, makeTeam } from '../helpers/fixtures.js';
import { parseSlotKey, slotInputId } from '../../src/domain/slots.js';
import { renderOutbox } from '../helpers/outbox.js';
import { openQuestion } from '../../src/core/question-key.js';

const at = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/Amsterdam' }).toJSDate();
const NOW = at('2026-11-24T10:00'); // a Tuesday
const key = (blockId: number, local: string) => `${blockId}_${at(local).toISOString()}`;

// The texts a resident reads (src/locales/nl/booking.json, manage.json, common.json), written out
// here on purpose: a vaguer text should make these tests fail.
const MSG = {
  summaryTitle: 'Er ging iets mis. Kijk naar deze punten:',
  postcodeEmpty: 'Vul uw postcode in.',
  postcodeFormat: 'Vul een postcode in met 4 cijfers en 2 letters, bijvoorbeeld 6811 AB.',
  houseNumberEmpty: 'Vul uw huisnummer in.',
  houseNumberFormat: 'Vul een huisnummer in, bijvoorbeeld 12 of 12a.',
  questionEmpty: 'Schrijf op waar u hulp bij wilt. Eén woord is genoeg.',
  questionTooLong:
    'Uw tekst is te lang: het mogen maximaal 5000 tekens zijn. Schrijf het korter op. In het gesprek kunt u alles vertellen.',
  topic: 'Kies een onderwerp uit de lijst.',
  about: 'Kies voor wie de hulp is.',
  dangerNow: 'Kies ja of nee: is iemand nu in gevaar?',
  urgent24h: 'Kies ja of nee: moet er binnen 24 uur iets gebeuren?',
  slotEmpty: 'Kies een dag en tijd.',
  slotGone: 'Dit moment is niet meer vrij. Kies een ander moment.',
  mode: 'Kies waar u wilt praten.',
  nameEmpty: 'Vul uw naam in.',
  contactEmpty: 'Vul een telefoonnummer of een e-mailadres in, zodat we u kunnen bereiken.',
  emailFormat: 'Vul een e-mailadres in zoals naam@voorbeeld.nl.',
  phoneEmpty: 'Vul uw telefoonnummer in.',
  phoneFormat:
    'Vul een telefoonnummer in, bijvoorbeeld 06 12345678 of 026 377 2001. Een nummer uit het buitenland begint met +.',
  streetEmpty: 'Vul uw straat in. Dan weten we waar we naartoe gaan.',
  language: 'Kies een taal uit de lijst.',
  dateOfBirth: 'Vul een geboortedatum in zoals 31-12-1980 of 31 december 1980, of laat het veld leeg.',
  consent:
    'Zet een vinkje als u toestemming geeft. Zonder toestemming kunnen we u niet helpen via de website. U kunt ons ook bellen.',
  reasonTooLong: 'Uw reden is te lang. Gebruik maximaal 1000 tekens.',
  forbidden: 'Dit mag niet',
  /** A form with a token that is no longer valid: nothing done, said in plain words. */
  expired: 'Uw sessie is verlopen',
} as const;

const SCRIPT = '<script>alert(1)</script>';
const IMG = '"><img src=x onerror=alert(1)>';
/** A free-text value with both payloads, marked with the field it was typed in. */
const evil = (field: string) => `${field} ${SCRIPT} ${IMG}`;

// ---------------------------------------------------------------- HTML helpers (templates are ours)

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
const re = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The opening tag of the <input>, <textarea> or <select> with this id. */
function controlTag(html: string, id: string): string {
  const m = new RegExp(`<(?:input|textarea|select)\\b[^>]*\\bid="${re(id)}"[^>]*>`).exec(html);
  expect(m, `a form control with id="${id}"`).not.toBeNull();
  return m![0];
}

function inputValue(html: string, id: string): string | null {
  const m = /\bvalue="([^"]*)"/.exec(controlTag(html, id));
  return m ? m[1]! : null;
}

function textareaContent(html: string, id: string): string {
  const m = new RegExp(`<textarea\\b[^>]*\\bid="${re(id)}"[^>]*>([\\s\\S]*?)</textarea>`).exec(html);
  expect(m, `a textarea with id="${id}"`).not.toBeNull();
  return m![1]!;
}

const isChecked = (html: string, id: string) => /\schecked\b/.test(controlTag(html, id));

/** The fragment ids the error summary links to, in order. */
function summaryTargets(html: string): string[] {
  const m = /<div class="kt-error-summary"[\s\S]*?<\/div>/.exec(html);
  if (!m) return [];
  return [...m[0].matchAll(/<a href="#([^"]+)">/g)].map((x) => x[1]!);
}

function expectSummaryLink(html: string, field: string, message: string) {
  expect(html).toContain(`<h2 class="utrecht-heading-3" id="error-summary-title">${escapeHtml(MSG.summaryTitle)}</h2>`);
  expect(html).toContain(`<li><a href="#${field}">${escapeHtml(message)}</a></li>`);
}

/**
 * A text field (views/partials/field.eta, or the select/checkbox written the same way): the message
 * is in <span class="kt-error" id="<field>-error"> right before the control, the control has
 * aria-invalid="true" and aria-describedby with "<field>-error", and the summary links to #<field>.
 */
function expectFieldError(html: string, field: string, message: string, inSummary = true) {
  const span = new RegExp(
    `<span class="kt-error" id="${re(field)}-error">(?:<span class="kt-visually-hidden">Fout: </span>)?${re(escapeHtml(message))}</span>`,
  ).exec(html);
  expect(span, `message "${message}" at #${field}`).not.toBeNull();
  const control = controlTag(html, field);
  const controlAt = html.indexOf(control);
  expect(controlAt).toBeGreaterThan(span!.index);
  // Next to the field: nothing that starts another field between the message and the control.
  expect(html.slice(span!.index, controlAt)).not.toMatch(/<(?:input|textarea|select|fieldset)\b|class="kt-field[ "]/);
  expect(control).toContain('aria-invalid="true"');
  expect(/aria-describedby="([^"]*)"/.exec(control)?.[1]?.split(' ')).toContain(`${field}-error`);
  if (inSummary) expectSummaryLink(html, field, message);
}

/** A group of radio buttons (a fieldset or div with id=<field>): the message inside it, before its choices. */
function expectGroupError(html: string, field: string, message: string) {
  const open = new RegExp(`<(?:fieldset|div) class="kt-field kt-field--error"[^>]*\\bid="${re(field)}"[^>]*>`).exec(
    html,
  );
  expect(open, `group #${field} marked as an error`).not.toBeNull();
  const from = open!.index + open![0].length;
  const head = html.slice(from, html.indexOf('<input', from));
  expect(head).toMatch(new RegExp(`<span class="kt-error"[^>]*>${re(escapeHtml(message))}</span>`));
  expectSummaryLink(html, field, message);
}

function expectNoErrors(html: string) {
  expect(html).not.toContain('kt-error');
  expect(html).not.toContain('aria-invalid');
}

function expectNoRawPayload(html: string) {
  expect(html).not.toMatch(/<script>alert/i);
  expect(html).not.toMatch(/<img src=x/i);
  expect(html).not.toContain('onerror=alert(1)>');
}

// ---------------------------------------------------------------- database helpers

const watched = ['resident', 'request', 'appointment', 'outbox_message', 'audit_event'] as const;
type Counts = Record<(typeof watched)[number], number>;

async function counts(db: Kysely<Database>): Promise<Counts> {
  const out = {} as Counts;
  for (const table of watched) {
    const r = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(db);
    out[table] = r.rows[0]!.n;
  }
  return out;
}

const ZERO: Counts = { resident: 0, request: 0, appointment: 0, outbox_message: 0, audit_event: 0 };

/** Every draft (id and content), to show a refused step changed nothing. */
async function drafts(db: Kysely<Database>): Promise<string> {
  const rows = await db.selectFrom('draft').select(['id', 'data']).orderBy('id').execute();
  return JSON.stringify(rows);
}

// ---------------------------------------------------------------- fixtures and flow helpers

interface World {
  t: TestApp;
  teamId: number;
  blockId: number;
}

async function world(): Promise<World> {
  const t = await createTestApp({ now: () => NOW });
  const team = await makeTeam(t.app.db, { name: 'Wijkteam Centrum', from: '6811AA', to: '6814ZZ' });
  const a = await makeStaff(t.app.db, team.id, { name: 'Fatima El Amrani', email: `fatima-${team.id}@example.nl` });
  const b = await makeStaff(t.app.db, team.id, { name: 'Jeroen Bakker', email: `jeroen-${team.id}@example.nl` });
  const blockId = await makeBlock(t.app.db, {
    teamId: team.id,
    start: at('2026-12-08T09:00'),
    end: at('2026-12-08T12:00'),
    coachIds: [a.id, b.id],
  });
  return { t, teamId: team.id, blockId };
}

const VALID_QUESTION = { question: 'Schulden', topics: ['money'], about: 'self', dangerNow: 'no', urgent24h: 'no' };
const VALID_DETAILS = {
  name: 'Anna de Vries',
  email: 'anna@example.nl',
  phone: '',
  street: 'Steenstraat',
  city: 'Arnhem',
  language: 'nl',
  dateOfBirth: '',
  companion: '',
  consent: 'yes',
};

async function atQuestion(w: World, postcode = '6811 AB'): Promise<Client> {
  const c = new Client(w.t.app);
  const res = await c.submit('/aanmelden', { postcode, houseNumber: '12a' });
  expect(res.headers.location).toBe('/aanmelden/vraag');
  return c;
}

async function atMoment(w: World): Promise<Client> {
  const c = await atQuestion(w);
  const res = await c.submit('/aanmelden/vraag', VALID_QUESTION);
  expect(res.headers.location).toBe('/aanmelden/moment');
  return c;
}

async function atDetails(w: World, mode = 'home', slot = key(w.blockId, '2026-12-08T10:30')): Promise<Client> {
  const c = await atMoment(w);
  const res = await c.submit('/aanmelden/moment', { slot, mode });
  expect(res.headers.location).toBe('/aanmelden/gegevens');
  return c;
}

async function atCheck(w: World, slot: string, details: Record<string, string> = VALID_DETAILS): Promise<Client> {
  const c = await atDetails(w, 'home', slot);
  const res = await c.submit('/aanmelden/gegevens', details);
  expect(res.headers.location).toBe('/aanmelden/controleren');
  return c;
}

/** A complete booking; returns the manage token from the confirmation page. */
async function book(w: World, slot: string): Promise<string> {
  const c = await atCheck(w, slot);
  const res = await c.submit('/aanmelden/controleren', {});
  expect(res.headers.location).toBe('/aanmelden/bevestiging');
  const confirmation = await c.get('/aanmelden/bevestiging');
  return /href="\/afspraak\/([A-Za-z0-9_-]{43})"/.exec(confirmation.body)![1]!;
}

/** Remembers every response body, to check no HTML response ever carries raw markup. */
class RecordingClient extends Client {
  readonly pages: { url: string; res: LightMyRequestResponse }[] = [];
  override async get(url: string) {
    const res = await super.get(url);
    this.pages.push({ url, res });
    return res;
  }
  override async post(url: string, fields: Record<string, string | string[]>) {
    const res = await super.post(url, fields);
    this.pages.push({ url, res });
    return res;
  }
}

// ================================================================ the sign-up steps

describe('sign-up steps refuse bad input clearly and store nothing', () => {
  let w: World;
  let early: number;
  let first: number;
  let last: number;
  let late: number;
  beforeAll(async () => {
    w = await world();
    const coaches = await w.t.app.db.selectFrom('staff_user').select('id').where('team_id', '=', w.teamId).execute();
    const ids = coaches.map((c) => c.id);
    // Around the booking window (minimum notice 1 working day, horizon 21 days): today after NOW
    // is too soon, Wednesday 25 November is the first bookable day, 15 December the last,
    // 16 December is past the horizon.
    early = await makeBlock(w.t.app.db, {
      teamId: w.teamId,
      start: at('2026-11-24T14:00'),
      end: at('2026-11-24T17:00'),
      coachIds: ids,
    });
    first = await makeBlock(w.t.app.db, {
      teamId: w.teamId,
      start: at('2026-11-25T09:00'),
      end: at('2026-11-25T12:00'),
      coachIds: ids,
    });
    last = await makeBlock(w.t.app.db, {
      teamId: w.teamId,
      start: at('2026-12-15T09:00'),
      end: at('2026-12-15T12:00'),
      coachIds: ids,
    });
    late = await makeBlock(w.t.app.db, {
      teamId: w.teamId,
      start: at('2026-12-16T09:00'),
      end: at('2026-12-16T12:00'),
      coachIds: ids,
    });
  });
  afterAll(async () => {
    // Nothing in this block books: not one row was written by any of these tests.
    if (w) expect(await counts(w.t.app.db)).toEqual(ZERO);
    await w?.t.close();
  });

  const nothingStored = async () => expect(await counts(w.t.app.db)).toEqual(ZERO);

  describe('/aanmelden (postcode and house number)', () => {
    it('an empty postcode gets "Vul uw postcode in." and keeps the house number', async () => {
      for (const postcode of ['', '   ']) {
        const c = new Client(w.t.app);
        const before = await drafts(w.t.app.db);
        const res = await c.submit('/aanmelden', { postcode, houseNumber: '12a' });
        expect(res.statusCode).toBe(400);
        expectFieldError(res.body, 'postcode', MSG.postcodeEmpty);
        expect(summaryTargets(res.body)).toEqual(['postcode']);
        expect(inputValue(res.body, 'houseNumber')).toBe('12a');
        expect(await drafts(w.t.app.db)).toBe(before);
      }
      await nothingStored();
    });

    it.each(['68111', 'ABCD12', '0811AB', '6811 A', '6811ABC', `6811${SCRIPT}`])(
      'a malformed postcode "%s" is refused with the format message and shown again',
      async (postcode) => {
        const c = new Client(w.t.app);
        const before = await drafts(w.t.app.db);
        const res = await c.submit('/aanmelden', { postcode, houseNumber: '12a' });
        expect(res.statusCode).toBe(400);
        expectFieldError(res.body, 'postcode', MSG.postcodeFormat);
        expect(summaryTargets(res.body)).toEqual(['postcode']);
        expect(inputValue(res.body, 'postcode')).toBe(escapeHtml(postcode));
        expect(inputValue(res.body, 'houseNumber')).toBe('12a');
        expectNoRawPayload(res.body);
        expect(await drafts(w.t.app.db)).toBe(before);
        await nothingStored();
      },
    );

    it.each(['6811ab', ' 6811 AB ', '6811-ab', '6814zz'])(
      'the postcode "%s" is accepted and normalised',
      async (postcode) => {
        const c = new Client(w.t.app);
        const known = new Set((await w.t.app.db.selectFrom('draft').select('id').execute()).map((d) => d.id));
        let res = await c.submit('/aanmelden', { postcode, houseNumber: '12a' });
        expect(res.statusCode).toBe(303);
        expect(res.headers.location).toBe('/aanmelden/vraag');
        const created = (await w.t.app.db.selectFrom('draft').select(['id', 'data']).execute()).filter(
          (d) => !known.has(d.id),
        );
        expect(created).toHaveLength(1);
        const shown = postcode
          .trim()
          .toUpperCase()
          .replace('-', ' ')
          .replace(/^(\d{4})(\S)/, '$1 $2');
        res = await c.get('/aanmelden/vraag');
        expect(res.body).toContain(`Bij postcode ${shown} hoort`);
        expect(res.body).toContain('<span class="kt-team">Wijkteam Centrum</span>');
        // Back on step 1 the postcode is shown in the one normal form.
        res = await c.get('/aanmelden');
        expect(inputValue(res.body, 'postcode')).toBe(shown);
        expect(created[0]!.data).toMatchObject({
          postcode: shown.replace(' ', ''),
          houseNumber: '12a',
          teamId: w.teamId,
          outOfArea: false,
        });
        await nothingStored();
      },
    );

    it('an empty house number gets "Vul uw huisnummer in." and keeps the postcode', async () => {
      const c = new Client(w.t.app);
      const before = await drafts(w.t.app.db);
      const res = await c.submit('/aanmelden', { postcode: '6811ab', houseNumber: ' ' });
      expect(res.statusCode).toBe(400);
      expectFieldError(res.body, 'houseNumber', MSG.houseNumberEmpty);
      expect(summaryTargets(res.body)).toEqual(['houseNumber']);
      expect(inputValue(res.body, 'postcode')).toBe('6811ab');
      expect(await drafts(w.t.app.db)).toBe(before);
      await nothingStored();
    });

    it.each(['0', 'abc', '12/3', '-5', SCRIPT])(
      'a malformed house number "%s" gets the format message and is shown again',
      async (houseNumber) => {
        const c = new Client(w.t.app);
        const before = await drafts(w.t.app.db);
        const res = await c.submit('/aanmelden', { postcode: '6811 AB', houseNumber });
        expect(res.statusCode).toBe(400);
        expectFieldError(res.body, 'houseNumber', MSG.houseNumberFormat);
        expect(summaryTargets(res.body)).toEqual(['houseNumber']);
        expect(inputValue(res.body, 'houseNumber')).toBe(escapeHtml(houseNumber));
        expect(inputValue(res.body, 'postcode')).toBe('6811 AB');
        expectNoRawPayload(res.body);
        expect(await drafts(w.t.app.db)).toBe(before);
        await nothingStored();
      },
    );

    it('both fields empty: both messages, each at its own field', async () => {
      const c = new Client(w.t.app);
      const res = await c.submit('/aanmelden', { postcode: '', houseNumber: '' });
      expect(res.statusCode).toBe(400);
      expectFieldError(res.body, 'postcode', MSG.postcodeEmpty);
      expectFieldError(res.body, 'houseNumber', MSG.houseNumberEmpty);
      expect(summaryTargets(res.body)).toEqual(['postcode', 'houseNumber']);
      await nothingStored();
    });

    it('a postcode outside every area is no error: it continues and shows the municipality phone number', async () => {
      const c = new Client(w.t.app);
      let res = await c.submit('/aanmelden', { postcode: '9999 zz', houseNumber: '1' });
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe('/aanmelden/vraag');
      res = await c.get('/aanmelden/vraag');
      expect(res.statusCode).toBe(200);
      expectNoErrors(res.body);
      expect(res.body).toContain('Postcode 9999 ZZ hoort niet bij een van onze wijkteams.');
      expect(res.body).toContain('Bel Gemeente Arnhem: <a class="utrecht-link" href="tel:14026">14 026</a>.');
      expect(res.body).not.toContain('Wijkteam Centrum');
      // The question step then goes straight to the details (no calendar without a team).
      res = await c.submit('/aanmelden/vraag', VALID_QUESTION);
      expect(res.headers.location).toBe('/aanmelden/gegevens');
      await nothingStored();
    });
  });

  describe('/aanmelden/vraag (question and safety questions)', () => {
    it('an empty question gets its message; the other answers stay chosen', async () => {
      const c = await atQuestion(w);
      const before = await drafts(w.t.app.db);
      const res = await c.submit('/aanmelden/vraag', {
        question: '',
        topics: ['money', 'housing'],
        about: 'child',
        dangerNow: 'no',
        urgent24h: 'no',
      });
      expect(res.statusCode).toBe(400);
      expectFieldError(res.body, 'question', MSG.questionEmpty);
      expect(summaryTargets(res.body)).toEqual(['question']);
      expect(isChecked(res.body, 'topic-money')).toBe(true);
      expect(isChecked(res.body, 'topic-housing')).toBe(true);
      expect(isChecked(res.body, 'topic-health')).toBe(false);
      expect(isChecked(res.body, 'about-child')).toBe(true);
      expect(isChecked(res.body, 'about-self')).toBe(false);
      expect(isChecked(res.body, 'dangerNow-no')).toBe(true);
      expect(isChecked(res.body, 'urgent24h-no')).toBe(true);
      expect(await drafts(w.t.app.db)).toBe(before);
      await nothingStored();
    });

    it('a question of only spaces and line breaks counts as empty', async () => {
      const c = await atQuestion(w);
      const before = await drafts(w.t.app.db);
      const res = await c.submit('/aanmelden/vraag', { ...VALID_QUESTION, question: '   \n\t  \r\n ' });
      expect(res.statusCode).toBe(400);
      expectFieldError(res.body, 'question', MSG.questionEmpty);
      expect(await drafts(w.t.app.db)).toBe(before);
      await nothingStored();
    });

    it('one word is a fine question', async () => {
      const c = await atQuestion(w);
      const res = await c.submit('/aanmelden/vraag', {
        question: 'Eenzaam',
        about: 'self',
        dangerNow: 'no',
        urgent24h: 'no',
      });
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe('/aanmelden/moment');
      await nothingStored();
    });

    it('100 kB of text gets "te lang", status 400, and the whole text is still in the textarea', async () => {
      const c = await atQuestion(w);
      const before = await drafts(w.t.app.db);
      const long = 'Ik heb hulp nodig met de post & de rekeningen.\n'.repeat(2200).slice(0, 100_000);
      expect(long.length).toBe(100_000);
      const res = await c.submit('/aanmelden/vraag', { ...VALID_QUESTION, question: long });
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('te lang');
      expectFieldError(res.body, 'question', MSG.questionTooLong);
      expect(summaryTargets(res.body)).toEqual(['question']);
      expect(textareaContent(res.body, 'question')).toBe(escapeHtml(long));
      expect(await drafts(w.t.app.db)).toBe(before);
      await nothingStored();
    });

    it('the limit is 5000 characters: 5000 passes, 5001 does not', async () => {
      let c = await atQuestion(w);
      let res = await c.submit('/aanmelden/vraag', { ...VALID_QUESTION, question: 'a'.repeat(5001) });
      expect(res.statusCode).toBe(400);
      expectFieldError(res.body, 'question', MSG.questionTooLong);
      c = await atQuestion(w);
      res = await c.submit('/aanmelden/vraag', { ...VALID_QUESTION, question: 'a'.repeat(5000) });
      expect(res.statusCode).toBe(303);
      await nothingStored();
    });

    it('unanswered safety questions get a message in each question; the typed question stays', async () => {
      const c = await atQuestion(w);
      const before = await drafts(w.t.app.db);
      const res = await c.submit('/aanmelden/vraag', {
        question: 'Mijn zoon gaat niet naar school',
        topics: 'parenting',
        about: 'child',
      });
      expect(res.statusCode).toBe(400);
      expectGroupError(res.body, 'dangerNow', MSG.dangerNow);
      expectGroupError(res.body, 'urgent24h', MSG.urgent24h);
      expect(summaryTargets(res.body)).toEqual(['dangerNow', 'urgent24h']);
      expect(textareaContent(res.body, 'question')).toBe('Mijn zoon gaat niet naar school');
      expect(isChecked(res.body, 'topic-parenting')).toBe(true);
      expect(isChecked(res.body, 'about-child')).toBe(true);
      expect(await drafts(w.t.app.db)).toBe(before);
      await nothingStored();
    });

    it('a forged safety answer ("maybe") is refused like a missing one', async () => {
      const c = await atQuestion(w);
      const res = await c.submit('/aanmelden/vraag', { ...VALID_QUESTION, dangerNow: 'maybe', urgent24h: 'no' });
      expect(res.statusCode).toBe(400);
      expectGroupError(res.body, 'dangerNow', MSG.dangerNow);
      expect(summaryTargets(res.body)).toEqual(['dangerNow']);
      expect(isChecked(res.body, 'urgent24h-no')).toBe(true);
      await nothingStored();
    });

    it('an unknown "about" value gets its message in the group', async () => {
      const c = await atQuestion(w);
      const before = await drafts(w.t.app.db);
      const res = await c.submit('/aanmelden/vraag', {
        ...VALID_QUESTION,
        question: 'Hulp voor de buurman',
        about: 'neighbour',
      });
      expect(res.statusCode).toBe(400);
      expectGroupError(res.body, 'about', MSG.about);
      expect(summaryTargets(res.body)).toEqual(['about']);
      expect(textareaContent(res.body, 'question')).toBe('Hulp voor de buurman');
      expect(isChecked(res.body, 'topic-money')).toBe(true);
      expect(await drafts(w.t.app.db)).toBe(before);
      await nothingStored();
    });

    it('an unknown topic is refused (400, in the summary) and the valid topics stay ticked', async () => {
      const c = await atQuestion(w);
      const before = await drafts(w.t.app.db);
      const res = await c.submit('/aanmelden/vraag', {
        ...VALID_QUESTION,
        question: 'Schulden',
        topics: ['money', 'weather'],
      });
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain(`>${MSG.topic}</a></li>`);
      expect(textareaContent(res.body, 'question')).toBe('Schulden');
      expect(isChecked(res.body, 'topic-money')).toBe(true);
      expect(await drafts(w.t.app.db)).toBe(before);
      await nothingStored();
    });

    it('an unknown topic gets its message next to the topics, and the summary link finds them', async () => {
      const c = await atQuestion(w);
      const res = await c.submit('/aanmelden/vraag', { ...VALID_QUESTION, topics: ['money', 'weather'] });
      expect(res.statusCode).toBe(400);
      expectGroupError(res.body, 'topics', MSG.topic);
    });
  });

  describe('/aanmelden/moment (day, time and place)', () => {
    it('offers only times inside the booking window', async () => {
      const c = await atMoment(w);
      const res = await c.get('/aanmelden/moment');
      expect(res.body).toContain(`value="${key(w.blockId, '2026-12-08T10:30')}"`);
      expect(res.body).toContain(`value="${key(first, '2026-11-25T09:00')}"`);
      expect(res.body).toContain(`value="${key(last, '2026-12-15T09:00')}"`);
      expect(res.body).not.toContain(`value="${key(early, '2026-11-24T14:00')}"`);
      expect(res.body).not.toContain(`value="${key(late, '2026-12-16T09:00')}"`);
    });

    it('no time chosen gets "Kies een dag en tijd."; the chosen place stays chosen', async () => {
      const c = await atMoment(w);
      const before = await drafts(w.t.app.db);
      const res = await c.submit('/aanmelden/moment', { mode: 'office' });
      expect(res.statusCode).toBe(400);
      expectGroupError(res.body, 'slot', MSG.slotEmpty);
      expect(summaryTargets(res.body)).toEqual(['slot']);
      expect(isChecked(res.body, 'mode-office')).toBe(true);
      expect(isChecked(res.body, 'mode-home')).toBe(false);
      expect(await drafts(w.t.app.db)).toBe(before);
      await nothingStored();
    });

    it('a forged slot key is refused: off the grid, an unknown block, or garbage', async () => {
      const forged = [
        key(w.blockId, '2026-12-08T09:15'), // inside the block, but not a slot start
        key(w.blockId, '2026-12-08T11:30'), // would end after the block
        key(999999, '2026-12-08T09:00'), // no such block
        `${w.blockId}_tomorrow`,
        `${SCRIPT}`,
      ];
      for (const slot of forged) {
        const c = await atMoment(w);
        const before = await drafts(w.t.app.db);
        const res = await c.submit('/aanmelden/moment', { slot, mode: 'video' });
        expect(res.statusCode, slot).toBe(400);
        expectGroupError(res.body, 'slot', MSG.slotGone);
        expect(summaryTargets(res.body)).toEqual(['slot']);
        expect(isChecked(res.body, 'mode-video')).toBe(true);
        expectNoRawPayload(res.body);
        expect(await drafts(w.t.app.db)).toBe(before);
      }
      await nothingStored();
    });

    it('a real slot before the minimum notice or past the horizon is refused; the edges of the window are accepted', async () => {
      for (const slot of [key(early, '2026-11-24T14:00'), key(late, '2026-12-16T09:00')]) {
        const c = await atMoment(w);
        const before = await drafts(w.t.app.db);
        const res = await c.submit('/aanmelden/moment', { slot, mode: 'home' });
        expect(res.statusCode, slot).toBe(400);
        expectGroupError(res.body, 'slot', MSG.slotGone);
        expect(await drafts(w.t.app.db)).toBe(before);
      }
      for (const slot of [key(first, '2026-11-25T09:00'), key(last, '2026-12-15T10:30')]) {
        const c = await atMoment(w);
        const res = await c.submit('/aanmelden/moment', { slot, mode: 'home' });
        expect(res.statusCode, slot).toBe(303);
        expect(res.headers.location).toBe('/aanmelden/gegevens');
      }
      await nothingStored();
    });

    it('an invalid place gets "Kies waar u wilt praten."; the chosen time stays chosen', async () => {
      const c = await atMoment(w);
      const before = await drafts(w.t.app.db);
      const slot = key(w.blockId, '2026-12-08T10:30');
      const res = await c.submit('/aanmelden/moment', { slot, mode: 'boat' });
      expect(res.statusCode).toBe(400);
      expectGroupError(res.body, 'mode', MSG.mode);
      expect(summaryTargets(res.body)).toEqual(['mode']);
      expect(isChecked(res.body, slotInputId(parseSlotKey(slot)!))).toBe(true);
      for (const m of ['home', 'office', 'phone', 'video']) expect(isChecked(res.body, `mode-${m}`)).toBe(false);
      expect(await drafts(w.t.app.db)).toBe(before);
      await nothingStored();
    });
  });

  describe('/aanmelden/gegevens (details)', () => {
    /** Posts the details form with `change` over valid values and checks nothing moved. */
    async function refused(change: Record<string, string>, opts: { mode?: string } = {}) {
      const c = await atDetails(w, opts.mode ?? 'home');
      const before = await drafts(w.t.app.db);
      const values = { ...VALID_DETAILS, ...change };
      const res = await c.submit('/aanmelden/gegevens', values);
      expect(res.statusCode).toBe(400);
      expect(await drafts(w.t.app.db)).toBe(before);
      await nothingStored();
      return { res, html: res.body, values };
    }

    /** Every text field shows what was typed. */
    function expectKept(html: string, values: Record<string, string>) {
      for (const f of ['name', 'phone', 'email', 'street', 'city', 'dateOfBirth', 'companion']) {
        expect(inputValue(html, f), f).toBe(escapeHtml(values[f] ?? ''));
      }
    }

    it('an empty name gets "Vul uw naam in."; everything else stays filled in', async () => {
      for (const name of ['', '  ']) {
        const { html, values } = await refused({
          name,
          phone: '06 12345678',
          city: 'Arnhem',
          dateOfBirth: '31-12-1980',
          companion: 'Mijn zus',
          language: 'tr',
          interpreter: 'yes',
        });
        expectFieldError(html, 'name', MSG.nameEmpty);
        expect(summaryTargets(html)).toEqual(['name']);
        expectKept(html, values);
        expect(html).toMatch(/<option value="tr" selected>/);
        expect(isChecked(html, 'interpreter')).toBe(true);
        expect(isChecked(html, 'consent')).toBe(true);
      }
    });

    it('no phone and no email: the message appears at both', async () => {
      const { html, values } = await refused({ email: '', phone: ' ' });
      expectFieldError(html, 'phone', MSG.contactEmpty);
      // Shown at both fields, listed once in the summary.
      expectFieldError(html, 'email', MSG.contactEmpty, false);
      expect(summaryTargets(html)).toEqual(['phone']);
      expect(inputValue(html, 'name')).toBe(escapeHtml(values.name));
      expect(inputValue(html, 'street')).toBe('Steenstraat');
    });

    it.each(['anna@', 'anna example.nl', 'anna@@example.nl', 'anna@example', `${SCRIPT}@example.nl`])(
      'a malformed email "%s" gets the email message and is shown again',
      async (email) => {
        const { html, values } = await refused({ email });
        expectFieldError(html, 'email', MSG.emailFormat);
        expect(summaryTargets(html)).toEqual(['email']);
        expectKept(html, values);
        expectNoRawPayload(html);
      },
    );

    it.each(['12345', '06-abc-12345', 'nul zes', '06 1234 5678 9012 3456 789'])(
      'a malformed phone number "%s" gets the phone message and is shown again',
      async (phone) => {
        const { html, values } = await refused({ phone, email: '' });
        expectFieldError(html, 'phone', MSG.phoneFormat);
        expect(summaryTargets(html)).toEqual(['phone']);
        expectKept(html, values);
      },
    );

    it('a home visit without a street gets "Vul uw straat in."', async () => {
      const { html, values } = await refused({ street: ' ' });
      expectFieldError(html, 'street', MSG.streetEmpty);
      expect(summaryTargets(html)).toEqual(['street']);
      expect(html).toContain('Uw huisnummer (12a) hebben we al.');
      expectKept(html, { ...values, street: ' ' });
    });

    it('a phone conversation needs no street', async () => {
      const c = await atDetails(w, 'phone');
      const res = await c.submit('/aanmelden/gegevens', { ...VALID_DETAILS, street: '' });
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe('/aanmelden/controleren');
      await nothingStored();
    });

    it.each([
      ['31-02-1980', 'no such day'],
      ['1980-31-12', 'year, day, month'],
      ['gisteren', 'not a date'],
      ['31-12-80', 'two-digit year'],
      ['25-11-2026', 'tomorrow'],
      ['01-01-2030', 'in the future'],
      ['01-01-1900', 'more than 120 years ago'],
    ])('date of birth "%s" (%s) gets the date message and is shown again', async (dateOfBirth) => {
      const { html, values } = await refused({ dateOfBirth });
      expectFieldError(html, 'dateOfBirth', MSG.dateOfBirth);
      expect(summaryTargets(html)).toEqual(['dateOfBirth']);
      expectKept(html, values);
    });

    it('a real date of birth in the past is accepted, in every common notation', async () => {
      for (const dateOfBirth of [
        '31-12-1980',
        '1/2/1975',
        '24.11.2026',
        '1980-12-31',
        ' 31-12-1980 ',
        '31 december 1980',
        '31 dec. 1980',
        'December 31, 1980',
      ]) {
        const c = await atDetails(w);
        const res = await c.submit('/aanmelden/gegevens', { ...VALID_DETAILS, dateOfBirth });
        expect(res.statusCode, dateOfBirth).toBe(303);
      }
      await nothingStored();
    });

    it('a phone number is accepted as people write it: brackets, dashes, +31, 0031 and from abroad', async () => {
      for (const phone of [
        '(026) 377 2001',
        '026-3772001',
        '+31 (0)6 1234 5678',
        '0031 26 377 2001',
        '+32 2 123 45 67',
      ]) {
        const c = await atDetails(w);
        const res = await c.submit('/aanmelden/gegevens', { ...VALID_DETAILS, phone });
        expect(res.statusCode, phone).toBe(303);
      }
      await nothingStored();
    });

    it('an unknown language gets its message at the list', async () => {
      const { html } = await refused({ language: 'xx' });
      expectFieldError(html, 'language', MSG.language);
      expect(summaryTargets(html)).toEqual(['language']);
    });

    it('without consent: the consent message at the checkbox, everything else stays filled in', async () => {
      const { html, values } = await refused({
        consent: '',
        phone: '026 1234567',
        dateOfBirth: '01-05-1960',
        companion: 'Mijn buurvrouw',
        interpreter: 'yes',
        language: 'ar',
      });
      expectFieldError(html, 'consent', MSG.consent);
      expect(summaryTargets(html)).toEqual(['consent']);
      expect(isChecked(html, 'consent')).toBe(false);
      expectKept(html, values);
      expect(html).toMatch(/<option value="ar" selected>/);
      expect(isChecked(html, 'interpreter')).toBe(true);
    });

    it('several mistakes at once: every message at its own field', async () => {
      const { html } = await refused({ name: '', email: 'anna@', phone: '123', street: '', dateOfBirth: '99-99-9999' });
      expectFieldError(html, 'name', MSG.nameEmpty);
      expectFieldError(html, 'email', MSG.emailFormat);
      expectFieldError(html, 'phone', MSG.phoneFormat);
      expectFieldError(html, 'street', MSG.streetEmpty);
      expectFieldError(html, 'dateOfBirth', MSG.dateOfBirth);
      expect(new Set(summaryTargets(html))).toEqual(new Set(['name', 'email', 'phone', 'street', 'dateOfBirth']));
    });

    it('missing consent does not hide the street and contact messages', async () => {
      let { html } = await refused({ street: '', consent: '' });
      expectFieldError(html, 'consent', MSG.consent);
      expectFieldError(html, 'street', MSG.streetEmpty);
      ({ html } = await refused({ email: '', phone: '', consent: '' }));
      expectFieldError(html, 'consent', MSG.consent);
      expectFieldError(html, 'phone', MSG.contactEmpty);
      expectFieldError(html, 'email', MSG.contactEmpty, false);
    });
  });

  describe('/aanmelden/terugbellen (call-back request)', () => {
    it('an empty name and a malformed phone are refused at their fields and nothing is booked', async () => {
      const c = await atQuestion(w);
      let res = await c.submit('/aanmelden/vraag', { ...VALID_QUESTION, urgent24h: 'yes' });
      expect(res.headers.location).toBe('/aanmelden/terugbellen');
      const before = await drafts(w.t.app.db);
      res = await c.submit('/aanmelden/terugbellen', { name: '', phone: '06-abc' });
      expect(res.statusCode).toBe(400);
      expectFieldError(res.body, 'name', MSG.nameEmpty);
      expectFieldError(res.body, 'phone', MSG.phoneFormat);
      expect(inputValue(res.body, 'phone')).toBe('06-abc');
      res = await c.submit('/aanmelden/terugbellen', { name: 'Anna', phone: '' });
      expect(res.statusCode).toBe(400);
      expectFieldError(res.body, 'phone', MSG.phoneEmpty);
      expect(inputValue(res.body, 'name')).toBe('Anna');
      expect(await drafts(w.t.app.db)).toBe(before);
      await nothingStored();
    });
  });

  it('radio-group messages are tied to their group like text-field messages', async () => {
    const c = await atQuestion(w);
    const res = await c.submit('/aanmelden/vraag', { ...VALID_QUESTION, about: 'x', dangerNow: '' });
    for (const field of ['about', 'dangerNow']) {
      expect(res.body).toMatch(new RegExp(`<span class="kt-error" id="${field}-error">`));
      expect(res.body).toMatch(new RegExp(`<fieldset[^>]*id="${field}"[^>]*aria-describedby="${field}-error"`));
    }
  });
});

// ================================================================ HTML and script injection

describe('HTML and script typed into free-text fields', () => {
  let w: World;
  beforeAll(async () => {
    w = await world();
  });
  afterAll(async () => w?.t.close());

  it('is stored as typed and only ever shown as escaped text', async () => {
    const c = new RecordingClient(w.t.app);
    const text = {
      question: evil('question'),
      name: evil('name'),
      street: evil('street'),
      city: evil('city'),
      companion: evil('companion'),
    };
    let res = await c.submit('/aanmelden', { postcode: '6811AB', houseNumber: '12a' });
    expect(res.statusCode).toBe(303);
    res = await c.submit('/aanmelden/vraag', { ...VALID_QUESTION, question: text.question });
    expect(res.headers.location).toBe('/aanmelden/moment');
    // Back to the question: the saved text comes back escaped.
    res = await c.get('/aanmelden/vraag');
    expect(textareaContent(res.body, 'question')).toBe(escapeHtml(text.question));
    res = await c.submit('/aanmelden/moment', { slot: key(w.blockId, '2026-12-08T10:30'), mode: 'home' });
    expect(res.headers.location).toBe('/aanmelden/gegevens');

    // Markup where an email address or phone number belongs is refused, and shown back as text.
    const withBadContact = { ...VALID_DETAILS, ...text, email: evil('email'), phone: evil('phone') };
    res = await c.submit('/aanmelden/gegevens', withBadContact);
    expect(res.statusCode).toBe(400);
    expectFieldError(res.body, 'email', MSG.emailFormat);
    expectFieldError(res.body, 'phone', MSG.phoneFormat);
    expect(summaryTargets(res.body)).toEqual(['email', 'phone']);
    for (const f of ['name', 'street', 'city', 'companion', 'email', 'phone'] as const) {
      expect(inputValue(res.body, f), f).toBe(escapeHtml(withBadContact[f]));
    }
    expect(await counts(w.t.app.db)).toEqual(ZERO);

    res = await c.submit('/aanmelden/gegevens', {
      ...VALID_DETAILS,
      ...text,
      email: 'anna@example.nl',
      phone: '06 12345678',
    });
    expect(res.headers.location).toBe('/aanmelden/controleren');

    // Check page: every text shown, escaped.
    res = await c.get('/aanmelden/controleren');
    expect(res.statusCode).toBe(200);
    for (const [f, v] of Object.entries(text)) expect(res.body, f).toContain(escapeHtml(v));

    res = await c.submit('/aanmelden/controleren', {});
    expect(res.headers.location).toBe('/aanmelden/bevestiging');

    // Confirmation and manage page show the street of the home visit.
    res = await c.get('/aanmelden/bevestiging');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain(`${escapeHtml(text.street)} 12a`);
    const token = /href="\/afspraak\/([A-Za-z0-9_-]{43})"/.exec(res.body)![1]!;
    res = await c.get(`/afspraak/${token}`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain(`${escapeHtml(text.street)} 12a`);
    res = await c.get(`/afspraak/${token}/annuleren`);
    expect(res.statusCode).toBe(200);

    // Stored as typed (the question encrypted): escaping belongs to the output, not the database.
    const req = await w.t.app.db
      .selectFrom('request')
      .select(['question', 'companion', 'resident_id'])
      .executeTakeFirstOrThrow();
    expect(openQuestion(req.question)).toBe(text.question);
    expect(req.companion).toBe(text.companion);
    const resident = await w.t.app.db
      .selectFrom('resident')
      .select(['name', 'street', 'city'])
      .where('id', '=', req.resident_id)
      .executeTakeFirstOrThrow();
    expect(resident).toEqual({ name: text.name, street: text.street, city: text.city });

    // The mail is plain text: the name and street as typed, no HTML part, no HTML entities.
    await renderOutbox(w.t.app);
    const mails = await w.t.app.db
      .selectFrom('outbox_message')
      .select(['to_address', 'body_text', 'body_html', 'ics'])
      .orderBy('id')
      .execute();
    const mine = mails.find((m) => m.to_address === 'anna@example.nl')!;
    expect(mine.body_html).toBeNull();
    expect(mine.body_text).toContain(`Beste ${text.name},`);
    expect(mine.body_text).toContain(`bij u thuis, ${text.street} 12a`);
    for (const m of mails) {
      expect(m.body_html).toBeNull();
      expect(m.body_text).not.toMatch(/&lt;|&gt;|&quot;|&amp;/);
      expect(m.ics ?? '').not.toMatch(/&lt;|&gt;|&quot;/);
      // Coaches get no personal text at all.
      if (m.to_address !== 'anna@example.nl') expect(m.body_text).not.toContain('alert(1)');
    }

    // Not one HTML response carried the markup raw.
    const html = c.pages.filter((p) => String(p.res.headers['content-type'] ?? '').startsWith('text/html'));
    expect(html.length).toBeGreaterThan(10);
    for (const p of html) expectNoRawPayload(p.res.body);
  });
});

// ================================================================ the manage link's forms

describe('manage link forms', () => {
  let w: World;
  let token: string;
  let appointmentId: number;
  beforeAll(async () => {
    w = await world();
    token = await book(w, key(w.blockId, '2026-12-08T09:00'));
    appointmentId = (await w.t.app.db.selectFrom('appointment').select('id').executeTakeFirstOrThrow()).id;
  });
  afterAll(async () => w?.t.close());

  const appointment = () =>
    w.t.app.db
      .selectFrom('appointment')
      .select(['status', 'cancel_reason', 'starts_at', 'block_id', 'mode'])
      .where('id', '=', appointmentId)
      .executeTakeFirstOrThrow();

  it('a reschedule without a new time is refused at the time list and changes nothing', async () => {
    const c = new Client(w.t.app);
    const before = { a: await appointment(), n: await counts(w.t.app.db) };
    const res = await c.submit(`/afspraak/${token}/verzetten`, { mode: 'phone' });
    expect(res.statusCode).toBe(400);
    expectGroupError(res.body, 'slot', MSG.slotEmpty);
    expect(isChecked(res.body, 'mode-phone')).toBe(true);
    expect(await appointment()).toEqual(before.a);
    expect(await counts(w.t.app.db)).toEqual(before.n);
  });

  it('a reschedule to a forged time is refused and changes nothing', async () => {
    const c = new Client(w.t.app);
    const before = { a: await appointment(), n: await counts(w.t.app.db) };
    const res = await c.submit(`/afspraak/${token}/verzetten`, {
      slot: key(w.blockId, '2026-12-08T09:15'),
      mode: 'home',
    });
    expect(res.statusCode).toBe(409);
    expectGroupError(res.body, 'slot', MSG.slotGone);
    expect(await appointment()).toEqual(before.a);
    expect(await counts(w.t.app.db)).toEqual(before.n);
  });

  it('a reschedule with an invalid place is refused (400, in the summary) and keeps the chosen time', async () => {
    const c = new Client(w.t.app);
    const before = { a: await appointment(), n: await counts(w.t.app.db) };
    const slot = key(w.blockId, '2026-12-08T10:30');
    const res = await c.submit(`/afspraak/${token}/verzetten`, { slot, mode: 'boat' });
    expect(res.statusCode).toBe(400);
    expectSummaryLink(res.body, 'mode', MSG.mode);
    expect(isChecked(res.body, slotInputId(parseSlotKey(slot)!))).toBe(true);
    expect(await appointment()).toEqual(before.a);
    expect(await counts(w.t.app.db)).toEqual(before.n);
  });

  it('a reschedule with an invalid place gets the message at the place choices', async () => {
    const c = new Client(w.t.app);
    const res = await c.submit(`/afspraak/${token}/verzetten`, {
      slot: key(w.blockId, '2026-12-08T10:30'),
      mode: 'boat',
    });
    expect(res.statusCode).toBe(400);
    expectGroupError(res.body, 'mode', MSG.mode);
  });

  it('a cancel reason over 1000 characters is refused, kept in the field, and the appointment stays', async () => {
    const c = new Client(w.t.app);
    const before = await counts(w.t.app.db);
    const reason = `${SCRIPT} ${'Ik ben ziek & kan niet komen. '.repeat(40)}`.slice(0, 1001);
    expect(reason.trim().length).toBe(1001);
    const res = await c.submit(`/afspraak/${token}/annuleren`, { reason });
    expect(res.statusCode).toBe(400);
    expectFieldError(res.body, 'reason', MSG.reasonTooLong);
    expect(summaryTargets(res.body)).toEqual(['reason']);
    expect(textareaContent(res.body, 'reason')).toBe(escapeHtml(reason.trim()));
    expectNoRawPayload(res.body);
    expect(await appointment()).toMatchObject({ status: 'booked', cancel_reason: null });
    expect(await counts(w.t.app.db)).toEqual(before);
  });

  it('a cancel reason of exactly 1000 characters is accepted (the limit is not off by one)', async () => {
    const c = new Client(w.t.app);
    const before = await counts(w.t.app.db);
    const reason = 'x'.repeat(1000);
    const res = await c.submit(`/afspraak/${token}/annuleren`, { reason: `  ${reason}  ` });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/afspraak/${token}?klaar=geannuleerd`);
    expect(await appointment()).toMatchObject({ status: 'cancelled', cancel_reason: reason });
    expect((await counts(w.t.app.db)).outbox_message).toBeGreaterThan(before.outbox_message);
  });
});

// ================================================================ CSRF

describe('CSRF: a form post without the right token', () => {
  let w: World;
  beforeAll(async () => {
    w = await world();
  });
  afterAll(async () => w?.t.close());

  const forbidden = (res: LightMyRequestResponse) => {
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain(MSG.expired);
    expect(res.body).not.toContain(MSG.forbidden);
  };

  it("on step 1: no session, no token, a wrong token or another visitor's token all get 403 and no draft", async () => {
    const before = await drafts(w.t.app.db);
    const fields = { postcode: '6811AB', houseNumber: '12' };

    forbidden(await new Client(w.t.app).post('/aanmelden', fields));

    const c = new Client(w.t.app);
    const page = await c.get('/aanmelden');
    const good = csrfFrom(page.body);
    forbidden(await c.post('/aanmelden', fields));
    forbidden(await c.post('/aanmelden', { ...fields, _csrf: '' }));
    forbidden(await c.post('/aanmelden', { ...fields, _csrf: `${good.slice(0, -2)}xx` }));
    forbidden(await c.post('/aanmelden', { ...fields, _csrf: 'not-a-token' }));

    const other = new Client(w.t.app);
    const otherToken = csrfFrom((await other.get('/aanmelden')).body);
    forbidden(await c.post('/aanmelden', { ...fields, _csrf: otherToken }));

    expect(await drafts(w.t.app.db)).toBe(before);
    // The same post with this visitor's own token goes through.
    const ok = await c.post('/aanmelden', { ...fields, _csrf: good });
    expect(ok.statusCode).toBe(303);
    expect(await drafts(w.t.app.db)).not.toBe(before);
  });

  it('on the confirm step: 403 and no booking; with the right token it books', async () => {
    const c = await atCheck(w, key(w.blockId, '2026-12-08T09:00'));
    const other = new Client(w.t.app);
    const otherToken = csrfFrom((await other.get('/aanmelden')).body);

    forbidden(await c.post('/aanmelden/controleren', {}));
    forbidden(await c.post('/aanmelden/controleren', { _csrf: 'wrong' }));
    forbidden(await c.post('/aanmelden/controleren', { _csrf: otherToken }));
    expect(await counts(w.t.app.db)).toEqual(ZERO);

    const res = await c.submit('/aanmelden/controleren', {});
    expect(res.statusCode).toBe(303);
    expect(await counts(w.t.app.db)).toMatchObject({ resident: 1, request: 1, appointment: 1 });
  });

  it('on the cancel form: 403 and the appointment stays booked', async () => {
    const token = await book(w, key(w.blockId, '2026-12-08T10:30'));
    const before = await counts(w.t.app.db);
    const c = new Client(w.t.app);
    await c.get(`/afspraak/${token}/annuleren`);
    forbidden(await c.post(`/afspraak/${token}/annuleren`, { reason: '' }));
    forbidden(await c.post(`/afspraak/${token}/annuleren`, { reason: '', _csrf: 'wrong' }));
    forbidden(await new Client(w.t.app).post(`/afspraak/${token}/annuleren`, { reason: '' }));
    expect(await counts(w.t.app.db)).toEqual(before);
    const statuses = await w.t.app.db.selectFrom('appointment').select('status').execute();
    expect(statuses.map((s) => s.status)).toEqual(['booked', 'booked']);
  });
});
