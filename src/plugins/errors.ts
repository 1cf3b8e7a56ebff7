// One place that turns errors into pages: the portal's own errors (the catalogue in errors.ts)
// by the table below, validation errors as 400, everything else as a 500 page that never shows
// internals.
import fp from 'fastify-plugin';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { isDatabaseUnavailable, isKtError, type KtCode, type KtError } from '../errors.js';
import { messages } from '../core/i18n.js';

type ErrorView =
  'not-found' | 'forbidden' | 'gone' | 'bad-request' | 'too-many' | 'server-error' | 'unavailable' | 'expired';

export interface ErrorPage<C extends KtCode> {
  status: number;
  view: ErrorView;
  /** The sentence that says what went wrong: a locale key, or made from the error itself. */
  text?: string | ((err: KtError<C>, req: FastifyRequest) => string);
}

/** What the 400 page says about refused input: the field by its label where we know it. */
function badInputText(err: KtError<'KT_BAD_INPUT'>, req: FastifyRequest): string {
  const { field, problem } = err.details;
  const labelKey = `common.fields.${field}`;
  const label = field === null ? null : messages[req.locale].has(labelKey) ? req.t(labelKey) : field;
  const text = problem === 'character' && label === null ? 'characterNoField' : problem;
  return req.t(`common.errors.bad-input.${text}`, { field: label ?? '' });
}

/** An action's own message (the route shows it at the field; here as the page's sentence). */
const actionText = (
  err: KtError<'KT_ACTION_REFUSED' | 'KT_ACTION_FORBIDDEN' | 'KT_ACTION_CONFLICT'>,
  req: FastifyRequest,
) => req.t(err.details.key);

/** Each code of the catalogue: its status, its page, and the sentence on it. */
export const ERROR_PAGES: { [C in KtCode]: ErrorPage<C> } = {
  KT_NOT_FOUND: { status: 404, view: 'not-found' },
  KT_FORBIDDEN: { status: 403, view: 'forbidden' },
  KT_GONE: { status: 410, view: 'gone' },
  KT_CONFLICT: { status: 409, view: 'bad-request', text: 'common.errors.refused.conflict' },
  KT_BAD_INPUT: { status: 400, view: 'bad-request', text: badInputText },
  KT_SLOT_TAKEN: { status: 409, view: 'bad-request', text: 'common.errors.refused.slotTaken' },
  KT_SLOT_UNAVAILABLE: { status: 409, view: 'bad-request', text: 'common.errors.refused.slotGone' },
  KT_UNKNOWN_TEAM: { status: 400, view: 'bad-request', text: 'common.errors.refused.unknownTeam' },
  KT_BLOCK_CONFLICT: { status: 409, view: 'bad-request', text: 'common.errors.refused.blockConflict' },
  KT_APPOINTMENTS_OUTSIDE: { status: 409, view: 'bad-request', text: 'common.errors.refused.appointmentsOutside' },
  KT_TIME_GAP: { status: 400, view: 'bad-request', text: 'common.errors.refused.timeGap' },
  KT_BLOCKS_CHANGED: { status: 409, view: 'bad-request', text: 'common.errors.refused.stale' },
  KT_REHOME_TAKEN: { status: 409, view: 'bad-request', text: 'common.errors.refused.targetTaken' },
  KT_ACTION_REFUSED: { status: 400, view: 'bad-request', text: actionText },
  KT_ACTION_FORBIDDEN: { status: 403, view: 'bad-request', text: actionText },
  KT_ACTION_CONFLICT: { status: 409, view: 'bad-request', text: actionText },
};

/** How long a visitor is asked to wait when the database is out of reach. */
export const RETRY_AFTER_SECONDS = 10;

/** The page for a status that no table entry chose: fastify's own errors, rate limits, CSRF. */
function viewForStatus(status: number): ErrorView {
  if (status === 404) return 'not-found';
  if (status === 403) return 'forbidden';
  if (status === 410) return 'gone';
  if (status === 429) return 'too-many';
  return status < 500 ? 'bad-request' : 'server-error';
}

/** The explaining sentence of a catalogue error, with a link back to the form when there is one. */
function explained<C extends KtCode>(err: KtError<C>, req: FastifyRequest) {
  const text = ERROR_PAGES[err.code as C].text;
  if (text === undefined) return {};
  // Back to the form: the page at the same address, when there is one.
  const path = req.url.split('?', 1)[0]!;
  const back = req.routeOptions.url && req.server.hasRoute({ method: 'GET', url: req.routeOptions.url }) ? path : null;
  return { badInput: { text: typeof text === 'string' ? req.t(text) : text(err, req), back } };
}

async function renderError(
  req: FastifyRequest,
  reply: FastifyReply,
  status: number,
  view: ErrorView,
  data: Record<string, unknown> = {},
) {
  reply.code(status).type('text/html; charset=utf-8');
  try {
    return await reply.viewAsync(`errors/${view}`, { status, ...data });
  } catch (err) {
    req.log.error({ err }, 'error page failed to render');
    return `<!doctype html><title>${status}</title><p>${status}</p>`;
  }
}

export default fp(
  async (app) => {
    app.setNotFoundHandler(async (req, reply) => {
      if (req.url.startsWith('/api/') || req.headers.accept === 'application/json') {
        return reply.code(404).send({ error: 'not_found' });
      }
      return renderError(req, reply, 404, 'not-found');
    });
    app.setErrorHandler(async (err: FastifyError, req, reply) => {
      if (isDatabaseUnavailable(err)) {
        // Nothing the visitor did: the database is restarting or out of reach. Say when to try
        // again; the pool reconnects by itself once it is back.
        req.log.warn({ code: (err as { code?: string }).code, reason: err.message }, 'database unavailable');
        reply.header('retry-after', String(RETRY_AFTER_SECONDS));
        return renderError(req, reply, 503, 'unavailable', { unavailable: true });
      }
      if (isKtError(err)) {
        // One of ours: a refusal the user can act on, never a 500.
        const page = ERROR_PAGES[err.code];
        req.log.info({ code: err.code, status: page.status, reason: err.message }, 'request refused');
        return renderError(req, reply, page.status, page.view, explained(err, req));
      }
      let status = err.statusCode ?? 500;
      // A form whose token is no longer valid (the session expired, the page was open long):
      // nothing was done; the page says so in plain words, not as a refusal.
      const stale = err.code === 'FST_CSRF_INVALID_TOKEN' || err.code === 'FST_CSRF_MISSING_SECRET';
      if (stale) status = 403;
      if (status >= 500) req.log.error({ err }, 'request failed');
      else req.log.info({ code: err.code ?? (err as { name?: string }).name, status }, 'request refused');
      if (status === 429) {
        reply.header('retry-after', reply.getHeader('retry-after') ?? '60');
      }
      return renderError(req, reply, status, stale ? 'expired' : viewForStatus(status));
    });
  },
  { name: 'errors', dependencies: ['view'] },
);
