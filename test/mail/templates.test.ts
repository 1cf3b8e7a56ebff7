// Every mail template in views/mail, rendered in Dutch and English with realistic data for each
// of its variants: a key missing from the locale files throws, and the text may not show
// 'undefined', '[object Object]', an unfilled {placeholder} or HTML escapes (mail is plain text).
// A template without data here, or a partial no template includes, fails too.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { mailText, mailViewsDir } from '../../src/core/mail/render.js';
import { locales, translator } from '../../src/core/i18n.js';
import { formatters, type Formatters } from '../../src/domain/time.js';

type Data = Record<string, unknown>;

const start = new Date('2030-03-05T09:00:00Z');
const end = new Date('2030-03-05T10:00:00Z');
const url = 'https://afspraak.gemeente.example';
const team = 'Wijkteam Noord & Oost';
const appointment = (f: Formatters) => ({
  when: f.range(start, end),
  place: 'bij u thuis, Kerkstraat 12',
  coaches: 'Anouk & Sem',
  team,
});
const referrer = { name: "Dr. Joyce O'Brien", organisation: 'Huisartsenpraktijk De Linde' };
const contact = { coach_name: 'Anouk de Vries', coach_email: 'anouk@gemeente.example', phone: '010 123 4567' };
const changes = [
  { field: 'role', from: 'wijkcoach', to: 'teamleider' },
  { field: 'team', from: 'geen team', to: team },
  { field: 'email', from: 'oud@gemeente.example', to: 'nieuw@gemeente.example' },
  { field: 'active', from: 'actief', to: 'niet actief' },
];
const kinds = <K extends string>(list: K[], data: (kind: K) => Data) => list.map((kind) => ({ kind, ...data(kind) }));

/** Per template (its path under views/mail), the data of each variant it is rendered with. */
const variants: Record<string, (f: Formatters) => Data[]> = {
  'coach/appointment': (f) =>
    kinds(['booked', 'rescheduled', 'cancelled'], () => ({
      name: 'Anouk',
      when: f.range(start, end),
      place: 'Bij de verwijzer: Huisartsenpraktijk De Linde, Kerkstraat 1',
      link: `${url}/medewerker/afspraken/12`,
    })),
  'coach/changed': (f) =>
    ['Sem', null].map((solo) => ({
      name: 'Anouk',
      when: f.range(start, end),
      place: 'Met video',
      solo,
      link: `${url}/medewerker/afspraken/12`,
    })),
  'referral/changed': (f) =>
    kinds(['rescheduled', 'changed', 'cancelled'], () => ({
      name: referrer.name,
      resident: 'Fatma Yılmaz',
      ...appointment(f),
      phone: '14 010',
    })),
  'coach/moved-away': () => [{ name: 'Anouk', link: `${url}/medewerker/afspraken/12` }],
  'resident/appointment': (f) =>
    (['booked', 'rescheduled', 'changed', 'cancelled', 'reminder'] as const).flatMap((kind) =>
      [
        { referrer, referrerJoins: true, manageUrl: `${url}/afspraak/abc123` },
        { referrer: null, referrerJoins: false, manageUrl: null },
      ].map((v) => ({
        kind,
        name: 'Fatma Yılmaz',
        ...appointment(f),
        ...v,
        phone: '14 010',
        signUpUrl: `${url}/aanmelden`,
      })),
    ),
  'resident/sign-up': () =>
    ['callback', 'unassigned'].flatMap((kind) =>
      [referrer, { name: 'Bas', organisation: null }, null].map((r) => ({
        kind,
        name: 'Fatma Yılmaz',
        referrer: r,
        team,
      })),
    ),
  'team/callback': () => [true, false].map((urgent) => ({ urgent, link: `${url}/medewerker/wachtrij` })),
  'referral/referrer': (f) =>
    [
      { appointment: { ...appointment(f), threeWay: true }, hasTeam: true, urgent: false },
      { appointment: { ...appointment(f), threeWay: false }, hasTeam: true, urgent: false },
      { appointment: null, hasTeam: true, urgent: true },
      { appointment: null, hasTeam: true, urgent: false },
      { appointment: null, hasTeam: false, urgent: false },
    ].flatMap((v) =>
      [
        { contact: { team, phone: '14 010', coach: contact }, statusUrl: `${url}/verwijzen/status/xyz` },
        { contact: { team, phone: '', coach: null }, statusUrl: null },
      ].map((w) => ({ name: referrer.name, resident: 'Fatma Yılmaz', team, ...v, ...w, statusDays: 30 })),
    ),
  'referral/team': (f) =>
    [
      { key: 'booked', when: f.range(start, end), threeWayPlace: 'bij de verwijzer: Lindelaan 3' },
      { key: 'booked', when: f.range(start, end), threeWayPlace: null },
      { key: 'callback', when: '', threeWayPlace: null },
      { key: 'callbackUrgent', when: '', threeWayPlace: null },
    ].map((v) => ({ ...v, kind: 'huisarts', link: `${url}/medewerker/wachtrij` })),
  'referral/feedback': () =>
    kinds(['held', 'not_reached', 'closed'], () => ({
      name: referrer.name,
      resident: 'Fatma Yılmaz',
      submittedAt: start,
      team,
      contact: { team, phone: '14 010', coach: contact },
    })),
  'returning/link': () => [{ name: 'Fatma Yılmaz', link: `${url}/opnieuw/abc`, minutes: 30, municipality: 'Gemeente' }],
  'returning/no-match': () => [{ municipality: 'Gemeente Rotterdam', phone: '14 010', signUpUrl: `${url}/aanmelden` }],
  'returning/coach': () =>
    kinds(['returning', 'linked'], () => ({ name: 'Anouk', link: `${url}/medewerker/wachtrij` })),
  'returning/team': () => [{ link: `${url}/medewerker/afspraken/12` }],
  'returning/handover': () => [{ name: 'Fatma Yılmaz', coach: 'Sem', team, phone: '14 010' }],
  'admin/account-self': () =>
    [true, false].map((deactivated) => ({ name: 'Kees', actor: 'Ria Jansen', changes, deactivated })),
  'admin/account-others': () =>
    [
      { created: true, changes: changes.slice(0, 2).map((c) => ({ ...c, from: null })) },
      { created: false, changes },
    ].map((v) => ({ name: 'Jan', actor: 'Ria Jansen', subject: 'Kees Bakker', ...v })),
  'blocks/notice': (f) =>
    kinds(['created', 'changed', 'cancelled', 'replaced', 'solo'], () => ({
      name: 'Anouk',
      params: {
        actor: 'Ria',
        when: f.range(start, end),
        count: 2,
        absent: 'Sem',
        replacement: 'Lotte',
        moved: 1,
        cancelled: 0,
      },
      ranges: [f.range(start, end), f.range(new Date('2030-03-12T09:00:00Z'), new Date('2030-03-12T12:00:00Z'))],
      link: `${url}/medewerker/blokken`,
    })),
  'queue/assigned': () => [true, false].map((urgent) => ({ urgent, team, link: `${url}/medewerker/wachtrij` })),
  'absence/resident': (f) => [
    { name: 'Fatma Yılmaz', when: f.range(start, end), absent: 'Sem', names: 'Anouk & Lotte', team, phone: '14 010' },
  ],
  'staff/link': () => kinds(['reset', 'invite'], () => ({ name: 'Anouk', link: `${url}/medewerker/wachtwoord/abc` })),
  'staff/password-changed': () => [{ name: 'Anouk' }],
  'staff/unlock': () => [{ name: 'Anouk', link: `${url}/medewerker/ontgrendelen/abc` }],
};

function etaFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? etaFiles(p) : f.endsWith('.eta') ? [p] : [];
  });
}

const files = etaFiles(mailViewsDir).map((p) => path.relative(mailViewsDir, p).replace(/\.eta$/, ''));
const templates = files.filter((name) => !name.startsWith('partials/'));

describe('mail templates', () => {
  it('each have data to be rendered with here, and each partial is used', () => {
    expect(templates.filter((name) => !(name in variants))).toEqual([]);
    expect(Object.keys(variants).filter((name) => !templates.includes(name))).toEqual([]);
    const sources = templates.map((name) => readFileSync(path.join(mailViewsDir, `${name}.eta`), 'utf8')).join('\n');
    const partials = files.filter((name) => name.startsWith('partials/'));
    expect(partials.filter((name) => !sources.includes(`include('/${name}'`))).toEqual([]);
  });

  for (const locale of locales) {
    it.each(templates)(`%s renders in '${locale}' from the locale files, as plain text`, (name) => {
      const all = variants[name]!(formatters(locale));
      expect(all.length).toBeGreaterThan(0);
      for (const data of all) {
        const text = mailText(name, locale, data);
        const problem = /undefined|null|NaN|\[object \w+\]|\{\w+\}|&(amp|lt|gt|quot|#39);/.exec(text);
        expect(problem?.[0], `${name} ${JSON.stringify(data)}:\n${text}`).toBeUndefined();
        // Starts with text, ends on its last line, and never has two blank lines in a row.
        expect(text).toMatch(/^\S/);
        expect(text).toMatch(/\S$/);
        expect(text).not.toMatch(/\n\n\n/);
      }
    });
  }

  it('keeps the lines of the mail as written, with the partials in place', () => {
    const t = translator('nl');
    const when = formatters('nl').range(start, end);
    const link = `${url}/medewerker/afspraken/12`;
    const place = t('mail.placeLine.home', { address: 'Kerkstraat 1' });
    const text = mailText('coach/changed', 'nl', { name: 'Anouk', when, place, solo: 'Sem', link });
    expect(text).toBe(
      [
        t('mail.greeting', { name: 'Anouk' }),
        '',
        t('mail.coach.changed.intro', { when, mode: place }),
        t('mail.coach.changed.solo', { name: 'Sem' }),
        '',
        link,
        '',
        t('mail.coach.noContent'),
      ].join('\n'),
    );
  });
});
