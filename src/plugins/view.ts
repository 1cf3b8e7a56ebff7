// Server-rendered pages with Eta. Per-request values (texts, locale, csrf token, user) are put
// into reply.locals in one hook, so every template can use them.
import fp from 'fastify-plugin';
import view from '@fastify/view';
import { Eta } from 'eta';
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { formatters } from '../domain/time.js';
import { groupByDay, slotInputId, slotKey, type Slot } from '../domain/slots.js';
import { staffMenu } from '../core/staff-menu.js';
import { viewsDir } from '../paths.js';
import { chooseEncoding } from './assets.js';
import { COMPRESS_THRESHOLD } from './compression.js';
import { gzipJoin, gzipParts, type GzipParts } from './gzip-parts.js';

export { viewsDir };

export interface ViewOptions {
  production: boolean;
  municipality: { name: string; phone: string };
  /**
   * Check every kept page against a fresh render for the visitor asking (outside production):
   * a template that reads anything outside the page's key would show one visitor's data to
   * another, and this makes every test that opens such a page twice fail.
   */
  verifyKept: boolean;
}

/** A kept page differs from what this visitor's own render gives: the template reads outside its key. */
export class KeptPageLeakError extends Error {
  constructor(page: string) {
    super(
      `kept page ${page} differs from a fresh render for this visitor: its template reads something outside its key`,
    );
  }
}

function withLang(url: string, lang: string): string {
  const u = new URL(url, 'http://x');
  u.searchParams.set('lang', lang);
  return u.pathname + u.search;
}

/** The list of free times as HTML for the calendar page (reply.locals.slotDays). */
function slotDaysRenderer(eta: Eta) {
  // The list of free times (views/partials/slot-days.eta) is most of the calendar page. For a
  // frozen list of slots (a kept read, see src/core/availability.ts) its HTML is
  // kept per language and chosen time, and goes when the list does.
  const keptLists = new WeakMap<readonly Slot[], Map<string, string>>();
  const slotDays = (slots: readonly Slot[], locale: string, checked: string): string => {
    const render = () =>
      eta.render('/partials/slot-days', {
        days: groupByDay(slots),
        values: { slot: checked },
        slotKey,
        slotInputId,
        fmt: formatters(locale),
      });
    if (!Object.isFrozen(slots)) return render();
    let perList = keptLists.get(slots);
    if (!perList) keptLists.set(slots, (perList = new Map()));
    const key = `${locale}|${checked}`;
    let html = perList.get(key);
    if (html === undefined) {
      // Bounded: one entry per chosen time at most, cleared if a list lives very long.
      if (perList.size > 200) perList.clear();
      perList.set(key, (html = render()));
    }
    return html;
  };
  return slotDays;
}

const EMPTY = Buffer.alloc(0);
const acceptsGzipMemo = new Map<string, boolean>();

/** Whether the browser takes gzip (every browser does); the last few headers' answers kept. */
function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  let yes = acceptsGzipMemo.get(header);
  if (yes === undefined) {
    yes = chooseEncoding(header, { br: false, gzip: true }) === 'gzip';
    if (acceptsGzipMemo.size > 50) acceptsGzipMemo.clear();
    acceptsGzipMemo.set(header, yes);
  }
  return yes;
}

/** A kept page: its bytes around the CSRF token's places, its type, and its gzip parts. */
interface KeptPage {
  parts: Buffer[];
  type: string;
  gzip: GzipParts | null;
}

/** How kept pages were served: rendered, waited for while another request rendered, or reused. */
export interface KeptPageCounts {
  made: number;
  waited: number;
  reused: number;
}

/** reply.viewKept (see the declaration below). */
function decorateKeptPages(app: FastifyInstance, opts: ViewOptions): void {
  // Whole pages kept in memory (reply.viewKept): rendered once with a mark where the form's
  // CSRF token goes, which each request fills with its own token.
  const csrfMark = `kt-csrf-${randomBytes(12).toString('hex')}`;
  // Kept as bytes: sending them is a copy, where a string would be encoded again each time.
  // While a page is being made, the promise is kept: the requests that arrive meanwhile (after a
  // booking changed the free times, every open connection at once) wait for that one render
  // instead of each rendering and compressing the same page.
  const keptPages = new WeakMap<object, Map<string, KeptPage | Promise<KeptPage>>>();
  const counts: KeptPageCounts = { made: 0, waited: 0, reused: 0 };
  app.decorate('keptPageCounts', counts);
  const makeKept = async (reply: FastifyReply, page: string, data: Record<string, unknown>): Promise<KeptPage> => {
    const html = await reply.viewAsync(page, { ...data, csrf: () => csrfMark });
    const parts = html.split(csrfMark).map((p) => Buffer.from(p, 'utf8'));
    return {
      parts,
      type: String(reply.getHeader('content-type') ?? 'text/html; charset=utf-8'),
      // Compressed once, as gzip in parts (gzip-parts.ts), when it is worth it.
      gzip: Buffer.byteLength(html) >= COMPRESS_THRESHOLD ? gzipParts(parts) : null,
    };
  };
  app.decorateReply(
    'viewKept',
    async function (this: FastifyReply, owner: object, key: string, page: string, data: Record<string, unknown>) {
      // eslint-disable-next-line @typescript-eslint/no-this-alias -- a name for the reply in the closures below
      const reply = this;
      // A logged-in staff member sees their menu on every page: never kept.
      if (reply.locals?.staff) return reply.viewAsync(page, data);
      let perOwner = keptPages.get(owner);
      if (!perOwner) keptPages.set(owner, (perOwner = new Map()));
      const fullKey = `${reply.request.locale}|${reply.request.url}|${page}|${key}`;
      const found = perOwner.get(fullKey);
      let kept: KeptPage;
      if (found === undefined) {
        counts.made += 1;
        const making = makeKept(reply, page, data);
        // Bounded: the key holds the URL, which a visitor can vary.
        if (perOwner.size > 100) perOwner.clear();
        perOwner.set(fullKey, making);
        try {
          kept = await making;
        } catch (err) {
          if (perOwner.get(fullKey) === making) perOwner.delete(fullKey);
          throw err;
        }
        if (perOwner.get(fullKey) === making) perOwner.set(fullKey, kept);
      } else {
        counts[found instanceof Promise ? 'waited' : 'reused'] += 1;
        kept = await found;
        if (opts.verifyKept) {
          const fresh = await reply.viewAsync(page, { ...data, csrf: () => csrfMark });
          if (fresh !== kept.parts.map((p) => p.toString('utf8')).join(csrfMark)) throw new KeptPageLeakError(page);
        }
      }
      reply.type(kept.type);
      const token = kept.parts.length === 1 ? EMPTY : Buffer.from((reply.locals!.csrf as () => string)(), 'utf8');
      if (kept.gzip && acceptsGzip(reply.request.headers['accept-encoding'])) {
        reply.header('vary', 'accept-encoding').header('content-encoding', 'gzip');
        return gzipJoin(kept.gzip, token);
      }
      if (kept.parts.length === 1) return kept.parts[0]!;
      const out: Buffer[] = [kept.parts[0]!];
      for (const p of kept.parts.slice(1)) out.push(token, p);
      return Buffer.concat(out);
    },
  );
}

export default fp<ViewOptions>(
  async (app, opts) => {
    const eta = new Eta({ views: viewsDir, cache: opts.production, autoEscape: true, autoTrim: false });
    const slotDays = slotDaysRenderer(eta);

    await app.register(view, {
      engine: { eta },
      root: viewsDir,
      production: opts.production,
      viewExt: 'eta',
      defaultContext: { municipality: opts.municipality },
    });
    decorateKeptPages(app, opts);

    app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
      let token: string | null = null;
      reply.locals = {
        ...(reply.locals ?? {}),
        t: req.t,
        locale: req.locale,
        fmt: formatters(req.locale),
        /** The free times as radio buttons per day; `checked` is the chosen slot's key. */
        slotDays: (slots: readonly Slot[], checked: string) => slotDays(slots, req.locale, checked ?? ''),
        staffMenu,
        path: req.url,
        otherLocale: req.locale === 'nl' ? 'en' : 'nl',
        switchLocaleUrl: withLang(req.url, req.locale === 'nl' ? 'en' : 'nl'),
        // Made on first use so pages without a form set no session cookie.
        csrf: () => (token ??= reply.generateCsrf()),
      };
    });
  },
  { name: 'view', dependencies: ['i18n', 'security'] },
);

declare module 'fastify' {
  interface FastifyInstance {
    /** Counts of reply.viewKept since start (read by /metrics). */
    keptPageCounts: KeptPageCounts;
  }
  interface FastifyReply {
    locals?: Record<string, unknown>;
    /**
     * Renders `page` like viewAsync, but keeps the HTML for as long as `owner` (an object whose
     * life bounds the page's content, such as a frozen list of free times) lives, per `key`,
     * language and URL. Only for pages whose content is fully given by those.
     */
    viewKept(owner: object, key: string, page: string, data: Record<string, unknown>): Promise<string | Buffer>;
  }
}
