// The privacy statement (/privacy) is generated from one processing register in code: every entry
// and every word it uses has a text in Dutch and English, every column the register names exists
// and every column about a person is named, the retention terms shown are the live settings, the
// FG's contact comes from the configuration, and no placeholder is left on the page.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { messages } from '../../src/core/i18n.js';
import { saveRetention } from '../../src/core/retention-settings.js';
import { RETENTION_DEFAULTS } from '../../src/domain/retention.js';
import {
  DATA_CATEGORIES,
  FIXED_TERMS,
  PROCESSING_REGISTER,
  STATEMENT_VERSION,
  retentionCount,
} from '../../src/features/privacy-statement/register.js';
import { RIGHTS } from '../../src/features/privacy-statement/routes.js';
import { LINK_MINUTES } from '../../src/features/returning/return-link.js';
import { STATUS_GRACE_DAYS } from '../../src/features/referral/mails.js';
import { TTL_HOURS } from '../../src/core/drafts.js';

const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');

const OFFICER = { name: 'Ilse Verhoeven', email: 'fg@voorbeeld.example.nl', phone: '026 123 4567' };

/** Every text key the statement uses for one register entry (a plural group counts by its "other"). */
function keysOf(a: (typeof PROCESSING_REGISTER)[number]): string[] {
  const p = 'privacystatement.';
  return [
    `${p}activity.${a.id}.title`,
    `${p}activity.${a.id}.purpose`,
    ...a.basis.map((b) => `${p}basis.${b}`),
    ...a.data.map((d) => `${p}data.${d}`),
    ...a.subjects.map((s) => `${p}subject.${s}`),
    ...a.recipients.map((r) => `${p}recipient.${r}`),
    ...a.retention.map((r) =>
      retentionCount(r, RETENTION_DEFAULTS) === null ? `${p}retention.${r}` : `${p}retention.${r}.other`,
    ),
    ...a.measures.map((m) => `${p}measure.${m}`),
  ];
}

describe('privacy statement', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      config: { municipality: { name: 'Gemeente Voorbeeld', phone: '14 099' }, privacyOfficer: OFFICER },
    });
  });
  afterAll(async () => t?.close());
  beforeEach(async () => {
    await t.app.db.deleteFrom('setting').execute();
  });

  it('has a text in Dutch and English for every register entry and every word it uses', () => {
    expect(PROCESSING_REGISTER.length).toBeGreaterThanOrEqual(7);
    const ids = PROCESSING_REGISTER.map((a) => a.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const a of PROCESSING_REGISTER) {
      for (const key of keysOf(a)) {
        for (const locale of ['nl', 'en'] as const) {
          expect(messages[locale].get(key)?.trim(), `${locale}: ${key}`).toBeTruthy();
        }
      }
      // Every entry says all six things.
      for (const list of [a.basis, a.data, a.subjects, a.recipients, a.retention, a.measures]) {
        expect(list.length, a.id).toBeGreaterThan(0);
      }
    }
    for (const r of RIGHTS) {
      expect(messages.nl.get(`privacystatement.right.${r}`), r).toBeTruthy();
      expect(messages.en.get(`privacystatement.right.${r}`), r).toBeTruthy();
    }
  });

  it('names only columns that exist, and every column about a person in some category', async () => {
    const rows = await sql<{ table_name: string; column_name: string }>`
      select table_name, column_name from information_schema.columns
      where table_schema = 'public'`.execute(t.app.db);
    const existing = new Set(rows.rows.map((r) => `${r.table_name}.${r.column_name}`));
    const named = new Set(Object.values(DATA_CATEGORIES).flat());
    expect([...named].filter((c) => !existing.has(c))).toEqual([]);
    // Keys, links between records, hashes of secrets and bookkeeping say nothing about a person.
    const technical =
      /^(id|.*_id|.*_by|.*_token_hash|created_at|idempotency_key|anonymised_at|called_at|outcome_at|reminder_sent_at|sequence)$/;
    const unnamed = [...existing]
      .filter((c) => /^(resident|request|referrer|appointment)\./.test(c))
      .filter((c) => !named.has(c) && !technical.test(c.split('.')[1]!));
    expect(unnamed, 'columns about a person the register does not describe').toEqual([]);
    // Every category is used by some entry.
    const used = new Set(PROCESSING_REGISTER.flatMap((a) => a.data));
    expect(Object.keys(DATA_CATEGORIES).filter((d) => !used.has(d as never))).toEqual([]);
  });

  it('holds the fixed terms to the code that enforces them', () => {
    expect(FIXED_TERMS.draftHours).toBe(TTL_HOURS);
    expect(FIXED_TERMS.returnLinkMinutes).toBe(LINK_MINUTES);
    expect(FIXED_TERMS.statusPageDays).toBe(STATUS_GRACE_DAYS);
  });

  it('answers without a login in Dutch with the register, the rights, the FG, the AP, cookies and the date', async () => {
    const res = await t.app.inject('/privacy');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toContain('<html lang="nl"');
    expect(res.body.match(/<h1[\s>]/g)).toHaveLength(1);
    const body = text(res.body);
    expect(body).toContain('Privacyverklaring');
    expect(body).toContain('Gemeente Voorbeeld is verantwoordelijk voor uw gegevens.');
    for (const a of PROCESSING_REGISTER) {
      expect(body).toContain(messages.nl.get(`privacystatement.activity.${a.id}.title`)!);
      expect(body).toContain(messages.nl.get(`privacystatement.activity.${a.id}.purpose`)!);
    }
    expect(body).toContain('AVG artikel 6 lid 1 onder e');
    expect(body).toContain('Wmo 2015');
    expect(body).toContain('Jeugdwet');
    expect(body).toContain('Participatiewet');
    expect(body).toContain('AVG artikel 9');
    expect(body).toContain('Uw toestemming (AVG artikel 6 lid 1 onder a)');
    for (const right of ['Inzage', 'Correctie', 'Verwijdering', 'Bezwaar', 'Beperking', 'Toestemming intrekken']) {
      expect(body).toContain(`${right}:`);
    }
    expect(body).toContain('op de pagina van uw afspraak');
    // The FG from the configuration.
    expect(body).toContain('Ilse Verhoeven');
    expect(res.body).toContain('href="mailto:fg@voorbeeld.example.nl">fg@voorbeeld.example.nl</a>');
    expect(res.body).toContain('href="tel:0261234567">026 123 4567</a>');
    expect(body).toContain('Autoriteit Persoonsgegevens');
    expect(res.body).toContain('href="https://autoriteitpersoonsgegevens.nl"');
    expect(body).toContain('geen cookies om u te volgen');
    expect(body).toContain('Deze versie van de privacyverklaring is van dinsdag 1 december 2026.');
    expect(STATEMENT_VERSION).toBe('2026-12-01');
    // Nothing left to fill in, and no script.
    expect(res.body).not.toMatch(/\{\w+\}/);
    expect(body).not.toMatch(/privacystatement\.|undefined|null|NaN|\[object/);
    expect(res.body).not.toContain('<script');
  });

  it('shows the default retention terms until the municipality changes them, then the live ones', async () => {
    let body = text((await t.app.inject('/privacy')).body);
    expect(body).toContain('De tekst van een verstuurde e-mail wissen we na 7 dagen.');
    expect(body).toContain('Dan wissen we uw gegevens na 3 maanden.');
    expect(body).toContain('Dan wissen we uw gegevens 12 maanden later.');
    expect(body).toContain('Het logboek bewaren we 5 jaar.');
    expect(body).toContain('wissen we na 24 uur');
    expect(body).toContain('werkt 30 minuten');

    await saveRetention(
      t.app.db,
      { mailBodyDays: 1, cancelledSignupMonths: 6, closedRequestMonths: 24, auditYears: 7 },
      { staffId: null, now: new Date('2026-11-24T09:00:00Z') },
    );
    body = text((await t.app.inject('/privacy')).body);
    expect(body).toContain('De tekst van een verstuurde e-mail wissen we na 1 dag.');
    expect(body).toContain('Dan wissen we uw gegevens na 6 maanden.');
    expect(body).toContain('Dan wissen we uw gegevens 24 maanden later.');
    expect(body).toContain('Het logboek bewaren we 7 jaar.');
    expect(body).not.toContain('na 7 dagen');
    expect(body).not.toContain('12 maanden later');

    const en = text((await t.app.inject('/privacy?lang=en')).body);
    expect(en).toContain('We delete the text of a sent e-mail after 1 day.');
    expect(en).toContain('Then we delete your data after 6 months.');
    expect(en).toContain('Then we delete your data 24 months later.');
    expect(en).toContain('We keep the log for 7 years.');
  });

  it('answers in English with ?lang=en, every entry and the FG included', async () => {
    const res = await t.app.inject('/privacy?lang=en');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<html lang="en"');
    const body = text(res.body);
    expect(body).toContain('Privacy statement');
    for (const a of PROCESSING_REGISTER) {
      expect(body).toContain(messages.en.get(`privacystatement.activity.${a.id}.title`)!);
    }
    expect(body).toContain('GDPR article 6(1)(e)');
    expect(body).toContain('Ilse Verhoeven');
    expect(body).toContain('This version of the privacy statement is from Tuesday 1 December 2026.');
    expect(res.body).not.toMatch(/\{\w+\}/);
  });

  it('names the demo FG outside production, and only what is configured in production', async () => {
    const { loadConfig } = await import('../../src/config.js');
    // Its own data folder: loading a configuration may write its generated secrets there.
    const DATA_DIR = mkdtempSync(path.join(tmpdir(), 'kt-config-'));
    expect(loadConfig({ NODE_ENV: 'development', DATA_DIR }).privacyOfficer).toEqual({
      name: 'Marieke de Boer',
      email: 'fg@gemeente.example.nl',
      phone: '14 026',
    });
    const prod = loadConfig({
      NODE_ENV: 'production',
      DATA_DIR,
      SESSION_SECRET: 'x'.repeat(40),
      MUNICIPALITY_PHONE: '14 099',
      PRIVACY_OFFICER_EMAIL: 'fg@voorbeeld.example.nl',
    });
    expect(prod.privacyOfficer).toEqual({ name: null, email: 'fg@voorbeeld.example.nl', phone: '14 099' });
    expect(() => loadConfig({ NODE_ENV: 'test', PRIVACY_OFFICER_EMAIL: 'geen-adres' })).toThrow(
      'PRIVACY_OFFICER_EMAIL must be an e-mail address',
    );
    rmSync(DATA_DIR, { recursive: true, force: true });
  });
});
