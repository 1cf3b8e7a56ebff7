// Browser harness: Debian's Chromium driven by playwright-core, the app served on a free
// loopback port with its own test database, and axe-core for WCAG 2.1 AA checks.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { AddressInfo } from 'node:net';
import { createTestApp, type TestApp } from '../helpers/app.js';
import type { AppConfig } from '../../src/config.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const browserAvailable = existsSync(CHROMIUM);

if (!browserAvailable) {
  if (process.env.CI)
    throw new Error(`Chromium not found at ${CHROMIUM}; CI must install it (apt-get install -y chromium)`);
  console.warn(
    `Browser tests skipped: Chromium not found at ${CHROMIUM} (install it with apt-get install -y chromium)`,
  );
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface BrowserHarness {
  t: TestApp;
  baseUrl: string;
  browser: Browser;
  newPage(options?: { javaScriptEnabled?: boolean }): Promise<{ page: Page; context: BrowserContext }>;
  close(): Promise<void>;
}

export async function startHarness(
  options: { now?: () => Date; config?: Partial<AppConfig> } = {},
): Promise<BrowserHarness> {
  const t = await createTestApp(options);
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = t.app.server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
  const contexts: BrowserContext[] = [];
  return {
    t,
    baseUrl,
    browser,
    async newPage(opts = {}) {
      // bypassCSP lets the test inject axe-core; the app itself never runs inline scripts.
      const context = await browser.newContext({
        baseURL: baseUrl,
        bypassCSP: true,
        javaScriptEnabled: opts.javaScriptEnabled ?? true,
        locale: 'nl-NL',
      });
      contexts.push(context);
      return { page: await context.newPage(), context };
    },
    async close() {
      for (const c of contexts) await c.close().catch(() => undefined);
      await browser.close();
      await t.close();
    },
  };
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; html: string }[];
}

/** Runs axe-core for WCAG 2.0/2.1 A and AA on the current page; returns the violations. */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  // A click that submits a form returns once the next page has started, not when it is parsed:
  // wait for it, or the script has no <head> to go into yet.
  await page.waitForLoadState('load');
  await page.addScriptTag({ content: axeSource });
  // page.evaluate works even with JavaScript off; only an injected script tells whether it ran.
  const loaded = await page.evaluate(() => typeof (window as unknown as { axe?: unknown }).axe === 'object');
  if (!loaded) throw new Error('axe needs JavaScript; check pages with JavaScript on');
  return page.evaluate(async () => {
    const axe = (
      window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: AxeViolation[] }> } }
    ).axe;
    const result = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target, html: n.html })),
    }));
  });
}

/** A readable summary for assertion messages. */
export function describeViolations(v: AxeViolation[]): string {
  return v.map((x) => `${x.id} (${x.impact}): ${x.help}\n  ${x.nodes.map((n) => n.html).join('\n  ')}`).join('\n');
}
