// Step 4 of the sign-up: your details.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { saveDraft, type Draft } from '../../../core/signup-draft.js';
import { detailsSchema, languages } from '../../../core/intake.js';
import { formBody, type Form } from '../../../core/forms.js';
import type { SignupFlow } from '../flow.js';

const URL = '/aanmelden/gegevens';

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
  const { publicPost, steps } = flow;
  // Step 4: your details.
  const detailsPage = async (
    reply: FastifyReply,
    d: Draft,
    values: Record<string, string>,
    errors: Record<string, string>,
    status = 200,
  ) =>
    reply.code(status).viewAsync('booking/details', {
      ...steps.view(d, URL),
      needsAddress: d.mode === 'home',
      outOfArea: d.outOfArea,
      values,
      errors,
      languages,
    });

  app.get(URL, { preValidation: steps.guard(URL) }, async (req, reply) => {
    const d = steps.draft(req);
    return detailsPage(reply, d, draftValues(d), {});
  });

  // A visit at home needs the street.
  const schemaFor = (req: FastifyRequest) => detailsSchema(steps.draft(req).mode === 'home', app.now());
  const invalid = (
    req: FastifyRequest,
    reply: FastifyReply,
    input: Record<string, unknown>,
    errors: Record<string, string>,
  ) => {
    const d = steps.draft(req);
    return detailsPage(
      reply,
      d,
      { ...(input as Record<string, string>), houseNumber: d.houseNumber ?? '' },
      errors,
      400,
    );
  };

  app.post<Form<ReturnType<typeof schemaFor>>>(
    URL,
    { config: publicPost, preValidation: [steps.guard(URL), formBody(schemaFor, invalid)] },
    async (req, reply) => {
      const v = req.body;
      const saved = await saveDraft(app, req, {
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
      return reply.redirect(steps.forward(saved, URL), 303);
    },
  );
}
