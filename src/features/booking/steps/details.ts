// Step 4 of the sign-up: your details.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { saveDraft, type Draft } from '../../../core/signup-draft.js';
import { detailsSchema, languages } from '../../../core/intake.js';
import { fieldErrors } from '../../../core/forms.js';
import { str, type Body, type SignupFlow } from '../flow.js';

const FIELDS = [
  'name',
  'email',
  'phone',
  'street',
  'city',
  'language',
  'interpreter',
  'dateOfBirth',
  'companion',
  'consent',
] as const;

/** The details form as the draft fills it (a resident who comes back to this step). */
function draftValues(d: Draft): Record<string, string> {
  return {
    name: d.name ?? '',
    email: d.email ?? '',
    phone: d.phone ?? '',
    street: d.street ?? '',
    city: d.city ?? '',
    language: d.language ?? 'nl',
    interpreter: d.interpreter ? 'yes' : '',
    dateOfBirth: d.dateOfBirth ?? '',
    companion: d.companion ?? '',
    consent: d.consent ? 'yes' : '',
    houseNumber: d.houseNumber ?? '',
  };
}

export function detailsStep(app: FastifyInstance, flow: SignupFlow): void {
  const { publicPost, requireBookable } = flow;
  // Step 4: your details.
  const detailsPage = async (
    reply: FastifyReply,
    d: Draft,
    values: Record<string, string>,
    errors: Record<string, string>,
    status = 200,
  ) =>
    reply.code(status).viewAsync('booking/details', {
      needsAddress: d.mode === 'home',
      outOfArea: d.outOfArea,
      values,
      errors,
      languages,
    });

  app.get('/aanmelden/gegevens', async (req, reply) => {
    const d = await requireBookable(
      req,
      reply,
      (x) => Boolean(x.question) && (Boolean(x.slot) || x.outOfArea === true),
    );
    if (!d) return reply;
    return detailsPage(reply, d, draftValues(d), {});
  });

  app.post('/aanmelden/gegevens', publicPost, async (req, reply) => {
    const d = await requireBookable(
      req,
      reply,
      (x) => Boolean(x.question) && (Boolean(x.slot) || x.outOfArea === true),
    );
    if (!d) return reply;
    const body = req.body as Body;
    const values = Object.fromEntries(FIELDS.map((n) => [n, str(body, n)])) as Record<(typeof FIELDS)[number], string>;
    const parsed = detailsSchema(d.mode === 'home', app.now()).safeParse(values);
    if (!parsed.success)
      return detailsPage(reply, d, { ...values, houseNumber: d.houseNumber ?? '' }, fieldErrors(parsed.error), 400);
    const v = parsed.data;
    await saveDraft(app, req, {
      name: v.name,
      email: v.email,
      phone: v.phone,
      street: v.street,
      city: v.city,
      language: v.language,
      interpreter: v.interpreter,
      dateOfBirth: v.dateOfBirth,
      companion: v.companion,
      consent: true,
    });
    return reply.redirect('/aanmelden/controleren', 303);
  });
}
