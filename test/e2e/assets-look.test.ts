// The trimmed NL Design System stylesheet looks exactly like the whole one: in Chromium, every
// computed style of every element (and its ::before and ::after) of the start page, a form page
// and that form with its errors is the same with our shipped file as with the full
// @utrecht/design-tokens root.css + @utrecht/component-library-css index.css in its place.
// Clock-free: computed styles only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { browserAvailable, startHarness, type BrowserHarness } from './browser.js';
import { nodeModulesDir } from '../../src/paths.js';

const fullBundle =
  readFileSync(path.join(nodeModulesDir, '@utrecht/design-tokens/dist/root.css'), 'utf8') +
  '\n' +
  readFileSync(path.join(nodeModulesDir, '@utrecht/component-library-css/dist/index.css'), 'utf8');

interface Look {
  /** "element#index::pseudo property: value" for every non-custom property. */
  styles: string[];
  /** CSS rules in the NL Design System sheet (to prove which one was used). */
  nldsRules: number;
  keys: Record<string, string>;
}

async function look(page: Page): Promise<Look> {
  return page.evaluate(() => {
    const styles: string[] = [];
    const all = Array.from(document.querySelectorAll('*'));
    all.forEach((el, i) => {
      for (const pseudo of [null, '::before', '::after']) {
        const cs = getComputedStyle(el, pseudo);
        for (let p = 0; p < cs.length; p++) {
          const name = cs.item(p);
          if (name.startsWith('--')) continue;
          styles.push(`${el.tagName.toLowerCase()}#${i}${pseudo ?? ''} ${name}: ${cs.getPropertyValue(name)}`);
        }
      }
    });
    const sheet = Array.from(document.styleSheets).find((s) => s.href?.includes('/static/nlds.'));
    const of = (selector: string, prop: string) => {
      const el = document.querySelector(selector);
      return el ? getComputedStyle(el).getPropertyValue(prop) : 'missing';
    };
    return {
      styles,
      nldsRules: sheet ? sheet.cssRules.length : -1,
      keys: {
        'h1 font-size': of('h1', 'font-size'),
        'h1 font-family': of('h1', 'font-family'),
        'link colour': of('main a, footer a', 'color'),
        'button background': of('.kt-button, button', 'background-color'),
        'field border': of('.kt-input', 'border-top'),
        'body colour': of('body', 'color'),
      },
    };
  });
}

describe.skipIf(!browserAvailable)('trimmed NL Design System CSS in Chromium', () => {
  let h: BrowserHarness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h?.close());

  async function looks(viewport: { width: number; height: number }, full: boolean) {
    const { page, context } = await h.newPage();
    await page.setViewportSize(viewport);
    if (full)
      await context.route('**/static/nlds.*.css', (route) =>
        route.fulfill({ status: 200, contentType: 'text/css', body: fullBundle }),
      );
    await page.goto('/');
    const start = await look(page);
    await page.goto('/aanmelden');
    const form = await look(page);
    await page.getByRole('button', { name: 'Volgende' }).click();
    await page.locator('#error-summary').waitFor();
    // The error page is a new document: its stylesheet may still be loading when the summary is
    // already in the DOM (a loading sheet is not in document.styleSheets yet).
    await page.waitForLoadState('load');
    await page.waitForFunction(() => Array.from(document.styleSheets).some((s) => s.href?.includes('/static/nlds.')));
    // The summary has `autofocus`, which Chromium applies at a later rendering step: wait for it,
    // or one look may catch the summary before its focus ring and the other after.
    await page.waitForFunction(() => document.activeElement?.id === 'error-summary');
    const errors = await look(page);
    return { start, form, errors };
  }

  for (const viewport of [
    { width: 1280, height: 800 },
    { width: 375, height: 740 },
  ]) {
    it(`computes the same styles with the trimmed sheet as with the full one (${viewport.width}px wide)`, async () => {
      const trimmed = await looks(viewport, false);
      const full = await looks(viewport, true);
      for (const page of ['start', 'form', 'errors'] as const) {
        const a = trimmed[page];
        const b = full[page];
        // Both really used their own sheet: the full one has thousands of rules.
        expect(b.nldsRules).toBeGreaterThan(1000);
        expect(a.nldsRules).toBeGreaterThan(10);
        expect(a.nldsRules).toBeLessThan(b.nldsRules / 10);
        expect(a.styles.length, page).toBeGreaterThan(10_000);
        const differ = a.styles.filter((s, i) => s !== b.styles[i]).slice(0, 10);
        expect(
          differ,
          `${page}: first differences (trimmed) vs full: ${differ.map((d) => b.styles[a.styles.indexOf(d)]).join(' | ')}`,
        ).toEqual([]);
        expect(a.styles.length).toBe(b.styles.length);
        expect(a.keys, page).toEqual(b.keys);
        expect(Object.values(a.keys).filter((v) => v === 'missing').length).toBeLessThanOrEqual(
          page === 'start' ? 2 : 0,
        );
      }
    });
  }
});
