// Builds the real app on a fresh test database, always on a fixed clock (the test's own, else
// TEST_NOW), never on the day the suite happens to run.
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/app.js';
import { loadConfig, type AppConfig } from '../../src/config.js';
import { createTestDb, type TestDb } from './db.js';

export interface TestApp {
  app: FastifyInstance;
  testDb: TestDb;
  close(): Promise<void>;
}

/** The portal's clock when a test sets none: Tuesday 24 November 2026, 10:00 in Amsterdam. */
export const TEST_NOW = new Date('2026-11-24T09:00:00Z');

export function testConfig(overrides: Partial<AppConfig> = {}): AppConfig {
  return loadConfig(
    { NODE_ENV: 'test', LOG_LEVEL: 'silent' },
    { dataDir: null, publicPostLimit: 100_000, ...overrides },
  );
}

export async function createTestApp(
  options: {
    now?: () => Date;
    config?: Partial<AppConfig>;
    testDb?: TestDb;
    beforeReady?: (app: FastifyInstance) => void;
  } = {},
): Promise<TestApp> {
  const testDb = options.testDb ?? (await createTestDb());
  const app = await buildApp(testConfig(options.config), {
    db: testDb.db,
    logger: false,
    mailWorker: false,
    now: options.now ?? (() => TEST_NOW),
  });
  options.beforeReady?.(app);
  await app.ready();
  return {
    app,
    testDb,
    close: async () => {
      await app.close();
      if (!options.testDb) await testDb.close();
    },
  };
}

/** A browser-like client for app.inject(): keeps cookies, and reads CSRF tokens from forms. */
export class Client {
  cookies = new Map<string, string>();
  constructor(private readonly app: FastifyInstance) {}

  private store(res: LightMyRequestResponse) {
    for (const c of res.cookies) {
      if (c.value === '' || (c.maxAge !== undefined && c.maxAge <= 0)) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
  }

  /** The Cookie header this client sends (for requests made by hand with its session). */
  cookieString(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('; ');
  }

  private cookieHeader(): Record<string, string> {
    if (this.cookies.size === 0) return {};
    return { cookie: this.cookieString() };
  }

  async get(url: string): Promise<LightMyRequestResponse> {
    const res = await this.app.inject({ method: 'GET', url, headers: this.cookieHeader() });
    this.store(res);
    return res;
  }

  /** Posts a form as the browser does: urlencoded, with the given fields. */
  async post(url: string, fields: Record<string, string | string[]>): Promise<LightMyRequestResponse> {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(fields)) {
      for (const item of Array.isArray(v) ? v : [v]) body.append(k, item);
    }
    const res = await this.app.inject({
      method: 'POST',
      url,
      headers: { ...this.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
      payload: body.toString(),
    });
    this.store(res);
    return res;
  }

  /** GETs a page with a form and posts to it with that page's CSRF token. */
  async submit(
    pageUrl: string,
    fields: Record<string, string | string[]>,
    action?: string,
  ): Promise<LightMyRequestResponse> {
    const page = await this.get(pageUrl);
    const token = csrfFrom(page.body);
    return this.post(action ?? formAction(page.body) ?? pageUrl, { _csrf: token, ...fields });
  }
}

export function csrfFrom(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m) throw new Error('No CSRF token in page');
  return m[1]!;
}

/** The action of the first post form in the page's main content (not the header's log-out form). */
export function formAction(fullHtml: string): string | null {
  const main = fullHtml.indexOf('<main');
  const html = main >= 0 ? fullHtml.slice(main) : fullHtml;
  const m =
    /<form[^>]*method="post"[^>]*action="([^"]+)"/.exec(html) ??
    /<form[^>]*action="([^"]+)"[^>]*method="post"/.exec(html);
  return m ? m[1]!.replace(/&amp;/g, '&') : null;
}
