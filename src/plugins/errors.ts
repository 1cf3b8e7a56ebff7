// One place that turns errors into pages: domain errors by their code, validation errors as
// 400, everything else as a 500 page that never shows internals.
import fp from 'fastify-plugin';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, isDatabaseUnavailable } from '../errors.js';
import { messages } from '../core/i18n.js';
import { BadInputError } from './input.js';

/** What the 400 page says about refused input: the field by its label where we know it. */
function badInputView(err: BadInputError, req: FastifyRequest) {
  const labelKey = `common.fields.${err.field}`;
  const field = err.field === null ? null : messages[req.locale].has(labelKey) ? req.t(labelKey) : err.field;
  const text = err.problem === 'character' && field === null ? 'characterNoField' : err.problem;
  // Back to the form: the page at the same address, when there is one.
  const path = req.url.split('?', 1)[0]!;
  const back = req.routeOptions.url && req.server.hasRoute({ method: 'GET', url: req.routeOptions.url }) ? path : null;
  return { badInput: { text: req.t(`common.errors.bad-input.${text}`, { field: field ?? '' }), back } };
}

/** How long a visitor is asked to wait when the database is out of reach. */
export const RETRY_AFTER_SECONDS = 10;

async function renderError(
  req: FastifyRequest,
  reply: FastifyReply,
  status: number,
  data: Record<string, unknown> = {},
) {
  const page = data.unavailable
    ? 'unavailable'
    : status === 404
      ? 'not-found'
      : status === 403
        ? 'forbidden'
        : status === 410
          ? 'gone'
          : status === 429
            ? 'too-many'
            : status < 500
              ? 'bad-request'
              : 'server-error';
  reply.code(status).type('text/html; charset=utf-8');
  try {
    return await reply.viewAsync(`errors/${page}`, { status, ...data });
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
      return renderError(req, reply, 404);
    });
    app.setErrorHandler(async (err: FastifyError, req, reply) => {
      if (isDatabaseUnavailable(err)) {
        // Nothing the visitor did: the database is restarting or out of reach. Say when to try
        // again; the pool reconnects by itself once it is back.
        req.log.warn({ code: (err as { code?: string }).code, reason: err.message }, 'database unavailable');
        reply.header('retry-after', String(RETRY_AFTER_SECONDS));
        return renderError(req, reply, 503, { unavailable: true });
      }
      let status = err instanceof DomainError ? err.statusCode : (err.statusCode ?? 500);
      if (err.code === 'FST_CSRF_INVALID_TOKEN' || err.code === 'FST_CSRF_MISSING_SECRET') status = 403;
      if (status >= 500) req.log.error({ err }, 'request failed');
      else req.log.info({ code: err.code ?? (err as { name?: string }).name, status }, 'request refused');
      if (status === 429) {
        reply.header('retry-after', reply.getHeader('retry-after') ?? '60');
      }
      return renderError(req, reply, status, err instanceof BadInputError ? badInputView(err, req) : {});
    });
  },
  { name: 'errors', dependencies: ['view'] },
);
