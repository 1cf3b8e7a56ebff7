// The accessibility statement (/toegankelijkheid): public, in Dutch and English, with the
// municipality, its phone number, the standard and the dates from one place in the code, and
// linked from the footer of every page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/app.js';
import { ACCESSIBILITY_STATUS } from '../src/features/home/accessibility.js';

describe('accessibility statement', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ config: { municipality: { name: 'Gemeente Voorbeeld', phone: '14 099' } } });
  });
  afterAll(async () => t?.close());

  const text = (html: string) =>
    html
      .replace(/<[^>]+>/g, ' ')
      .replace(/&#39;/g, "'")
      .replace(/\u00AD/g, '')
      .replace(/\s+/g, ' ');

  it('answers without a login in Dutch, with the municipality, its phone, the standard and the dates', async () => {
    const res = await t.app.inject('/toegankelijkheid');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    const body = text(res.body);
    expect(res.body.match(/<h1[\s>]/g)).toHaveLength(1);
    expect(res.body).toContain('<html lang="nl"');
    expect(body).toContain('Toegankelijkheidsverklaring');
    expect(body).toContain('Deze verklaring gaat over de website van Gemeente Voorbeeld');
    expect(body).toContain('regels voor toegankelijkheid WCAG 2.1 AA');
    expect(body).toContain('EN 301 549');
    // No independent audit yet: the page says so and claims no full compliance.
    expect(body).toContain('Een onafhankelijke deskundige heeft de website nog niet onderzocht.');
    expect(body).toContain('Daarom zeggen we nog niet dat de website volledig voldoet.');
    expect(res.body).toContain('href="tel:14099">14 099</a>');
    expect(body).toContain('binnen 5 werkdagen antwoord');
    expect(body).toContain('Nationale ombudsman');
    expect(body).toContain('gemaakt op maandag 30 november 2026');
    expect(body).toContain('voor het laatst gecontroleerd op maandag 30 november 2026');
    expect(res.body).toContain('<a class="utrecht-link" href="/">Naar de startpagina</a>');
    // No script: the page works without JavaScript.
    expect(res.body).not.toContain('<script');
  });

  it('answers in English with ?lang=en', async () => {
    const res = await t.app.inject('/toegankelijkheid?lang=en');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<html lang="en"');
    const body = text(res.body);
    expect(body).toContain('Accessibility statement');
    expect(body).toContain('website of Gemeente Voorbeeld');
    expect(body).toContain('accessibility rules WCAG 2.1 AA');
    expect(res.body).toContain('href="tel:14099">14 099</a>');
    expect(body).toContain('We last checked the website on Monday 30 November 2026.');
  });

  it('takes the dates and the status from the constant in the code', () => {
    expect(ACCESSIBILITY_STATUS).toMatchObject({
      standard: 'WCAG 2.1 AA',
      independentAudit: null,
      statementDate: '2026-11-30',
      lastCheck: '2026-11-30',
    });
    expect(Object.isFrozen(ACCESSIBILITY_STATUS)).toBe(true);
  });

  it('is linked from the footer of the start page, next to the privacy statement, in both languages', async () => {
    const nl = await t.app.inject('/');
    const footerNl = nl.body.slice(nl.body.indexOf('<footer'));
    expect(footerNl).toMatch(
      /href="\/privacy">Privacyverklaring<\/a> · <a class="utrecht-link" href="\/toegankelijkheid">Toegankelijkheid<\/a>/,
    );
    const en = await t.app.inject('/?lang=en');
    const footerEn = en.body.slice(en.body.indexOf('<footer'));
    expect(footerEn).toContain('href="/toegankelijkheid">Accessibility</a>');
  });
});
