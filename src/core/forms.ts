// Form helpers shared by every form: zod issues as one message per field, the typed body of a
// form post (formBody), and the two routes of a wizard's step with a form (formStep).
import type { FastifyContextConfig, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
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

/** A record chosen in a form (a select's value): its id, digits only, as a number. */
export const idField = (key: string) =>
  z
    .string()
    .default('')
    .refine((v) => /^\d{1,9}$/.test(v), key)
    .transform(Number);

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

type Hook = (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

/** A step's form page: the values shown (stored or as typed), the errors next to the fields. */
export type StepPage<D> = (
  reply: FastifyReply,
  d: D,
  values: Record<string, unknown>,
  errors: FieldErrors,
  status?: number,
) => Promise<unknown>;

/** A wizard's step with a form, as formStep takes it. */
export interface FormStep<D, S extends z.ZodTypeAny> {
  schema: S | ((req: FastifyRequest) => S);
  page: StepPage<D>;
  /** The form as the draft fills it (someone who comes back to this step). */
  values: (d: D) => Record<string, unknown>;
  /** The form shown again after a post that does not fit (default: as typed). */
  retyped?: (d: D, input: FormInput) => Record<string, unknown>;
  /** Hooks before the wizard's guard (a repeated submit of a stored sign-up). */
  before?: Hook[];
  /** The route's config besides the rate limit (such as `lists`). */
  config?: FastifyContextConfig;
  /** Handles a post that fits, or (`store`) stores it and goes on to the next step (303). */
  save?: (req: FastifyRequest<Form<S>>, reply: FastifyReply) => Promise<unknown>;
  store?: (req: FastifyRequest<Form<S>>) => Promise<D>;
}

/** What formStep takes of a wizard (core/wizard.ts) and its flow. */
interface StepFlow<D> {
  guard: (url: string) => Hook;
  draft: (req: FastifyRequest) => D;
  forward: (d: D, url: string, marker?: unknown) => string;
  /** The draft for the page at `url`, or where to go instead (core/wizard.ts). */
  resolve: (req: FastifyRequest, url: string) => Promise<{ d: D; to: null } | { d: null; to: string }>;
  publicPost: FastifyContextConfig;
  /** A stale post shows its form again as typed (the pages show the `stale` note); else the app's page. */
  keepStale?: boolean;
}

/** The return marker of a step's address (`?terug=…`); the wizard checks it against its table. */
export const returnMarkerOf = (req: FastifyRequest): unknown => (req.query as Record<string, unknown> | null)?.terug;

/**
 * The two routes of a wizard's step with a form: GET shows the form filled from the draft; a
 * post passes the hooks before the guard, the guard, and the schema (the form again, 400, when
 * it does not fit), and then `save` handles it, or `store` stores it and the user goes on.
 */
export function formStep<D, S extends z.ZodTypeAny>(
  app: FastifyInstance,
  url: string,
  flow: StepFlow<D>,
  step: FormStep<D, S>,
): void {
  const { guard, draft } = flow;
  app.get(url, { preValidation: guard(url) }, async (req, reply) => {
    const d = draft(req);
    return step.page(reply, d, step.values(d), {});
  });
  // A post with a token that is no longer valid: never saved; its form shown again as typed.
  const stale = staleForm(async (req, reply) => {
    const r = await flow.resolve(req, url);
    if (r.to !== null) return reply.redirect(r.to, 303);
    const d = r.d as D;
    const s = typeof step.schema === 'function' ? step.schema(req) : step.schema;
    const input = formInput(req, fieldsOf(s));
    return step.page(reply, d, step.retyped ? step.retyped(d, input) : input, {}, 403);
  });
  const invalid = formBody(step.schema, (req, reply, input, errors) => {
    const d = draft(req);
    return step.page(reply, d, step.retyped ? step.retyped(d, input) : input, errors, 400);
  });
  app.post<Form<S>>(
    url,
    {
      config: { ...flow.publicPost, ...step.config },
      preValidation: [...(step.before ?? []), guard(url), invalid],
      ...(flow.keepStale ? { errorHandler: stale } : {}),
    },
    async (req, reply) => {
      if (step.save) return step.save(req, reply);
      const saved = await step.store!(req);
      return reply.redirect(flow.forward(saved, url, returnMarkerOf(req)), 303);
    },
  );
}

/** The form's values as posted, for the fields of `schema` (a stale form shown again). */
export function postedInput(req: FastifyRequest, schema: z.ZodTypeAny): FormInput {
  return formInput(req, fieldsOf(schema));
}

/** A form posted with a CSRF token that is no longer valid: the session expired, or the page was open too long. */
export function isStaleForm(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'FST_CSRF_INVALID_TOKEN' || code === 'FST_CSRF_MISSING_SECRET';
}

/**
 * Posted from a page of this site: the browser says so (Sec-Fetch-Site, or an Origin equal to
 * PUBLIC_URL's; never the Host header, which the client sets). A form another site posts never
 * gets its values shown back on our page.
 */
export function postedHere(req: FastifyRequest): boolean {
  const site = req.headers['sec-fetch-site'];
  if (typeof site === 'string') return site === 'same-origin';
  const origin = req.headers.origin;
  if (typeof origin !== 'string') return false;
  try {
    // Both through URL, so a default port (:80, :443) is left out of both alike.
    return new URL(origin).origin === new URL(req.server.config.publicUrl).origin;
  } catch {
    return false;
  }
}

/**
 * A route's error handler for a stale form of our own site: nothing is done with the post (the
 * CSRF check refused it before any handler ran); `render` shows the form again as it was typed,
 * with a new token and a note saying what happened (`stale` in the page's data). Every other error,
 * and a stale post from elsewhere, goes on to the app's error page.
 */
export function staleForm(render: (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>) {
  return async (err: Error, req: FastifyRequest, reply: FastifyReply) => {
    if (!isStaleForm(err) || !postedHere(req)) throw err;
    req.log.info({ code: (err as { code?: string }).code }, 'stale form shown again');
    reply.locals = { ...reply.locals, stale: true };
    return render(req, reply);
  };
}
