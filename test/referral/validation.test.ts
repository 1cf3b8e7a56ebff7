// Every field of every referral step: bad input gives a clear message at the field (400), the
// typed input is kept, and nothing of that step is saved.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Client, createTestApp, type TestApp } from '../helpers/app.js';
import { translator } from '../../src/core/i18n.js';
import {
  aboutHuisarts,
  clean,
  consentYes,
  fillUntilNext,
  makeWorld,
  NOW,
  questionPlain,
  residentAnna,
  type World,
} from './world.js';

const t = translator('nl');
const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;');

type Case = [field: string, input: Record<string, string>, key: string];
const choiceKeys = new Set(['kind', 'consent', 'consentForm', 'dangerNow', 'urgent24h', 'next', 'place', 'language']);

describe('referral input rules', () => {
  let app: TestApp;
  let w: World;

  beforeAll(async () => {
    app = await createTestApp({ now: () => NOW });
    w = await makeWorld(app.app);
  });
  afterAll(async () => app.close());
  beforeEach(async () => clean(app.app));

  /** Posts the step with one bad field; expects 400, the message at the field, and the input kept. */
  async function expectRefused(c: Client, url: string, base: Record<string, string>, [field, input, key]: Case) {
    const fields = { ...base, ...input };
    const res = await c.submit(url, fields);
    expect(res.statusCode, `${field} ${JSON.stringify(input)}`).toBe(400);
    const error = new RegExp(
      `id="${field}-error"><span class="kt-visually-hidden">Fout: </span>${esc(t(`referral.errors.${key}`)).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}</span>`,
    );
    expect(res.body, `message for ${field}`).toMatch(error);
    expect(res.body).toContain('id="error-summary"');
    // What was typed comes back (text inputs, text areas, radio choices).
    for (const [name, value] of Object.entries(fields)) {
      if (value === '' || name === 'slot' || name === 'threeWay') continue;
      // A choice that is not on the list cannot be shown as chosen.
      if (name === field && choiceKeys.has(key)) continue;
      const kept = [
        `name="${name}" type="text" value="${esc(value)}"`,
        `name="${name}" type="tel" value="${esc(value)}"`,
        `name="${name}" type="email" value="${esc(value)}"`,
        `>${esc(value)}</textarea>`,
        `name="${name}" value="${esc(value)}" checked`,
        `value="${esc(value)}" selected`,
      ];
      expect(
        kept.some((k) => res.body.includes(k)),
        `${name}=${value} kept after an error in ${field}`,
      ).toBe(true);
    }
    return res;
  }

  async function draft() {
    const rows = await app.app.db.selectFrom('draft').select('data').execute();
    return (rows[0]?.data ?? {}) as Record<string, unknown>;
  }

  it('checks every field about the referrer, with the AGB code for huisartsen only', async () => {
    const cases: Case[] = [
      ['kind', { kind: '' }, 'kind'],
      ['kind', { kind: 'tandarts' }, 'kind'],
      ['schoolRole', { kind: 'school', agbCode: '' }, 'schoolRole'],
      ['schoolRole', { schoolRole: 'ib' }, 'schoolRoleOnlySchool'],
      ['organisation', { organisation: '   ' }, 'organisationEmpty'],
      ['organisation', { organisation: 'x'.repeat(201) }, 'organisationTooLong'],
      ['referrerName', { referrerName: '' }, 'referrerNameEmpty'],
      ['referrerName', { referrerName: 'n'.repeat(201) }, 'nameTooLong'],
      ['referrerPhone', { referrerPhone: '' }, 'referrerPhoneEmpty'],
      ['referrerPhone', { referrerPhone: '12ab' }, 'phoneFormat'],
      ['referrerEmail', { referrerEmail: '' }, 'referrerEmailEmpty'],
      ['referrerEmail', { referrerEmail: 'sara@' }, 'emailFormat'],
      ['agbCode', { agbCode: '1234567' }, 'agbFormat'],
      ['agbCode', { agbCode: '123456789' }, 'agbFormat'],
      ['agbCode', { agbCode: '1234567a' }, 'agbFormat'],
      ['agbCode', { kind: 'poh_ggz' }, 'agbOnlyHuisarts'],
    ];
    const c = new Client(app.app);
    for (const k of cases) await expectRefused(c, '/verwijzen', aboutHuisarts, k);
    expect(await app.app.db.selectFrom('draft').selectAll().execute()).toEqual([]);
    // A valid AGB code may be typed with spaces or dots.
    const ok = await c.submit('/verwijzen', { ...aboutHuisarts, agbCode: '0123 45.67' });
    expect(ok.statusCode).toBe(303);
    expect((await draft()).agbCode).toBe('01234567');
    // A practice's number as it is printed on its letters.
    const practice = await c.submit('/verwijzen', { ...aboutHuisarts, referrerPhone: '(026) 377 2001' });
    expect(practice.statusCode).toBe(303);
    expect((await draft()).referrerPhone).toBe('(026) 377 2001');
    // All problems of the page at once.
    const all = await c.submit('/verwijzen', {
      kind: '',
      schoolRole: '',
      organisation: '',
      referrerName: '',
      referrerPhone: '',
      referrerEmail: '',
      agbCode: '',
    });
    expect(all.statusCode).toBe(400);
    expect(all.body.match(/<li><a href="#/g)).toHaveLength(5);
  });

  it('checks the consent: yes or no, how, when (not in the future, not older than a year), feedback; the Veilig Thuis reason', async () => {
    const c = new Client(app.app);
    await c.submit('/verwijzen', aboutHuisarts);
    const cases: Case[] = [
      ['consent', { consent: '' }, 'consent'],
      ['consent', { consent: 'misschien' }, 'consent'],
      ['consentForm', { consentForm: '' }, 'consentForm'],
      ['consentForm', { consentForm: 'telepathie' }, 'consentForm'],
      ['consentDate', { consentDate: '' }, 'consentDateEmpty'],
      ['consentDate', { consentDate: 'gisteren' }, 'consentDateFormat'],
      ['consentDate', { consentDate: '31-02-2026' }, 'consentDateFormat'],
      ['consentDate', { consentDate: '25-11-2026' }, 'consentDateFuture'],
      ['consentDate', { consentDate: '23-11-2025' }, 'consentDateOld'],
      ['feedback', { feedback: '' }, 'feedback'],
    ];
    for (const k of cases) await expectRefused(c, '/verwijzen/toestemming', consentYes, k);
    expect((await draft()).consent).toBeUndefined();
    // Today and exactly a year ago are fine.
    expect((await c.submit('/verwijzen/toestemming', { ...consentYes, consentDate: '24-11-2026' })).statusCode).toBe(
      303,
    );
    expect((await c.submit('/verwijzen/toestemming', { ...consentYes, consentDate: '24/11/2025' })).statusCode).toBe(
      303,
    );
    expect(
      (await c.submit('/verwijzen/toestemming', { ...consentYes, consentDate: ' 1 november 2026 ' })).statusCode,
    ).toBe(303);

    const vt = new Client(app.app);
    await vt.submit('/verwijzen', { ...aboutHuisarts, kind: 'veilig_thuis', agbCode: '' });
    const noConsent = { consent: 'no', consentForm: '', consentDate: '', feedback: '', noConsentReason: '' };
    await expectRefused(vt, '/verwijzen/toestemming', noConsent, ['noConsentReason', {}, 'reasonEmpty']);
    await expectRefused(vt, '/verwijzen/toestemming', noConsent, [
      'noConsentReason',
      { noConsentReason: 'r'.repeat(2001) },
      'reasonTooLong',
    ]);
  });

  it('checks every field about the resident', async () => {
    const c = new Client(app.app);
    await c.submit('/verwijzen', aboutHuisarts);
    await c.submit('/verwijzen/toestemming', consentYes);
    const cases: Case[] = [
      ['name', { name: '' }, 'nameEmpty'],
      ['name', { name: 'a'.repeat(201) }, 'nameTooLong'],
      ['phone', { phone: '', email: '' }, 'contactEmpty'],
      ['email', { phone: '', email: '' }, 'contactEmpty'],
      ['phone', { phone: '0612' }, 'phoneFormat'],
      ['email', { email: 'anna@@example' }, 'emailFormat'],
      ['postcode', { postcode: '' }, 'postcodeEmpty'],
      ['postcode', { postcode: '0811AB' }, 'postcodeFormat'],
      ['houseNumber', { houseNumber: '' }, 'houseNumberEmpty'],
      ['houseNumber', { houseNumber: 'twaalf' }, 'houseNumberFormat'],
      ['street', { street: '' }, 'streetEmpty'],
      ['street', { street: 's'.repeat(201) }, 'streetTooLong'],
      ['city', { city: 'c'.repeat(101) }, 'cityTooLong'],
      ['language', { language: 'klingon' }, 'language'],
      ['dateOfBirth', { dateOfBirth: '32-01-1980' }, 'dateOfBirth'],
      ['dateOfBirth', { dateOfBirth: '01-01-2030' }, 'dateOfBirth'],
    ];
    for (const k of cases) {
      const res = await expectRefused(c, '/verwijzen/inwoner', residentAnna, k);
      expect(res.body).toContain('name="interpreter"');
    }
    expect((await draft()).name).toBeUndefined();
    expect((await c.submit('/verwijzen/inwoner', { ...residentAnna, email: '', dateOfBirth: '' })).statusCode).toBe(
      303,
    );
  });

  it('checks the question, what the referrer did, and the safety questions', async () => {
    const c = new Client(app.app);
    await c.submit('/verwijzen', aboutHuisarts);
    await c.submit('/verwijzen/toestemming', consentYes);
    await c.submit('/verwijzen/inwoner', residentAnna);
    const cases: Case[] = [
      ['question', { question: '  ' }, 'questionEmpty'],
      ['question', { question: 'q'.repeat(5001) }, 'questionTooLong'],
      ['done', { done: 'd'.repeat(2001) }, 'doneTooLong'],
      ['dangerNow', { dangerNow: '' }, 'dangerNow'],
      ['urgent24h', { urgent24h: 'misschien' }, 'urgent24h'],
    ];
    for (const k of cases) await expectRefused(c, '/verwijzen/vraag', questionPlain, k);
    expect((await draft()).question).toBeUndefined();
  });

  it('checks the next step, the time, the place and the address for a 3-gesprek at the practice', async () => {
    const c = new Client(app.app);
    expect(await fillUntilNext(c)).toBe('/verwijzen/vervolg');
    await expectRefused(c, '/verwijzen/vervolg', {}, ['next', { next: '' }, 'next']);
    await expectRefused(c, '/verwijzen/vervolg', {}, ['next', { next: 'later' }, 'next']);
    await c.submit('/verwijzen/vervolg', { next: 'book' });
    const base = { slot: w.slot('09:00'), place: 'home', threeWay: '', location: '' };
    const cases: Case[] = [
      ['slot', { slot: '' }, 'slotEmpty'],
      ['slot', { slot: `${w.blockId}_2026-12-08T07:00:00.000Z` }, 'slotGone'],
      ['place', { place: 'strand' }, 'place'],
      ['location', { place: 'referrer', location: '' }, 'locationEmpty'],
      ['location', { place: 'referrer', location: 'l'.repeat(301) }, 'locationTooLong'],
    ];
    for (const k of cases) await expectRefused(c, '/verwijzen/moment', base, k);
    expect((await draft()).slot).toBeUndefined();
  });
});
