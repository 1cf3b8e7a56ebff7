// Bad bytes stop at the door, in one place, before any route's own code: a NUL byte or a lone
// surrogate in a form field, the query or the path (PostgreSQL cannot store the first, and
// the second is not text), a field sent twice where the form has one, or a body that is not a
// form. The answer is a plain 400 page that names the field where it can.
import fp from 'fastify-plugin';
import type { FastifyRequest } from 'fastify';
import { ktError, type KtDetails, type KtError } from '../errors.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Form fields that may be sent more than once (checkbox groups such as `topics`). */
    lists?: readonly string[];
  }
}

/** A 400 that the error page explains, naming the field when there is one. */
export type BadInputError = KtError<'KT_BAD_INPUT'>;

function badInput(field: string | null, problem: KtDetails['KT_BAD_INPUT']['problem']): BadInputError {
  return ktError('KT_BAD_INPUT', { field, problem }, `${problem}${field ? ` in ${field}` : ''}`);
}

// A NUL, or a surrogate half without its other half.
// eslint-disable-next-line no-control-regex -- finding NUL is the point
const badText = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The first problem in a parsed body, query or set of path parameters; null when clean. */
export function findBadInput(fields: unknown, lists: readonly string[] = []): BadInputError | null {
  if (fields === undefined || fields === null) return null;
  if (typeof fields !== 'object' || Array.isArray(fields)) return badInput(null, 'shape');
  for (const [name, value] of Object.entries(fields as Record<string, unknown>)) {
    if (badText.test(name)) return badInput(null, 'character');
    const values = Array.isArray(value) ? value : [value];
    if (values.length > 1 && !lists.includes(name)) return badInput(name, 'repeated');
    for (const v of values) {
      if (typeof v !== 'string') return badInput(name, 'shape');
      if (badText.test(v)) return badInput(name, 'character');
    }
  }
  return null;
}

export default fp(
  async (app) => {
    // Only forms come in: no JSON or plain-text bodies (415 for those).
    app.removeContentTypeParser(['application/json', 'text/plain']);
    app.addHook('preValidation', async (req: FastifyRequest) => {
      const lists = req.routeOptions.config?.lists ?? [];
      const bad = findBadInput(req.params) ?? findBadInput(req.query) ?? findBadInput(req.body, lists);
      if (bad) throw bad;
    });
  },
  { name: 'input', dependencies: ['@fastify/formbody'] },
);
