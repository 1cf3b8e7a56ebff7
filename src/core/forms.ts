// Form helpers shared by every form: zod issues as one message per field, and the typed body of
// a form post (formBody).
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { isKtError, ktError, type KtError } from '../errors.js';

export type FieldErrors = Record<string, string>;

export function fieldErrors(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? 'form');
    out[field] ??= issue.message;
  }
  return out;
}

/** The codes of a refused action, by the status it answers with. */
const actionCodes = { 400: 'KT_ACTION_REFUSED', 403: 'KT_ACTION_FORBIDDEN', 409: 'KT_ACTION_CONFLICT' } as const;
export type ActionError = KtError<(typeof actionCodes)[keyof typeof actionCodes]>;

/**
 * A refused action: a message (locale key) shown at a field of the page. 400: the input does not
 * fit the record; 403: not for this person; 409: the record is no longer in that state.
 */
export function actionError(field: string, key: string, status: keyof typeof actionCodes = 400): ActionError {
  return ktError(actionCodes[status], { field, key }, key);
}

/** True for a refused action of any status; narrows to ActionError. */
export function isActionError(err: unknown): err is ActionError {
  return isKtError(err, ...Object.values(actionCodes));
}

/** A form as posted: each field as typed ('' when absent; a list for the route's `lists`). */
export type FormInput = Record<string, string | string[]>;

/** The route generic of a form post: `req.body` is what the schema gives. */
export interface Form<S extends z.ZodTypeAny> {
  Body: z.output<S>;
}

/** The field names of an object schema, also under refinements and transforms. */
function fieldsOf(schema: z.ZodTypeAny): string[] {
  let s: z.ZodTypeAny = schema;
  while (s._def.typeName === 'ZodEffects') s = (s._def as z.ZodEffectsDef).schema;
  return s._def.typeName === 'ZodObject' ? Object.keys((s as z.AnyZodObject).shape) : [];
}

function formInput(req: FastifyRequest, fields: readonly string[]): FormInput {
  const body = (req.body ?? {}) as Record<string, unknown>;
  const lists = req.routeOptions.config?.lists ?? [];
  const input: FormInput = {};
  for (const name of fields) {
    const v = body[name];
    if (lists.includes(name)) input[name] = Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : [];
    else input[name] = typeof v === 'string' ? v : '';
  }
  return input;
}

/** Renders the form again with the errors next to the fields and what was typed (status 400). */
export type Invalid = (
  req: FastifyRequest,
  reply: FastifyReply,
  input: FormInput,
  errors: FieldErrors,
) => Promise<unknown>;

/**
 * The `preValidation` hook of a form post: the body is parsed with the route's schema (a
 * function when the rules depend on the request, such as the draft) before the handler runs,
 * which then reads a typed `req.body`. A body that does not fit never reaches the handler:
 * `invalid` renders the page again. It runs after the route's earlier hooks (a wizard's guard),
 * and after the input and CSRF checks of every route.
 */
export function formBody<S extends z.ZodTypeAny>(schema: S | ((req: FastifyRequest) => S), invalid: Invalid) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const s = typeof schema === 'function' ? schema(req) : schema;
    const input = formInput(req, fieldsOf(s));
    const parsed = s.safeParse(input);
    if (parsed.success) {
      req.body = parsed.data;
      return;
    }
    // A page helper answers the rendered HTML (viewAsync), which a hook must send itself.
    const page = await invalid(req, reply.code(400), input, fieldErrors(parsed.error));
    if (!reply.sent) reply.send(page);
    return reply;
  };
}
