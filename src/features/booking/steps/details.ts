// Step 4 of the sign-up: your details.
import type { FastifyInstance } from 'fastify';
import { saveDraft, type Draft } from '../../../core/signup-draft.js';
import { detailsSchema, languages } from '../../../core/intake.js';
import type { StepPage } from '../../../core/forms.js';
import { residentFormValues } from '../../../core/booking-rows.js';
import type { SignupFlow } from '../flow.js';

const URL = '/aanmelden/gegevens';

/** The details form as the draft fills it (a resident who comes back to this step). */
function draftValues(d: Draft): Record<string, string> {
  return { ...residentFormValues(d), companion: d.companion ?? '', consent: d.consent ? 'yes' : '' };
}

export function detailsStep(app: FastifyInstance, flow: SignupFlow): void {
  const { form, steps } = flow;
  // Step 4: your details.
  const detailsPage: StepPage<Draft> = async (reply, d, values, errors, status = 200) =>
    reply.code(status).viewAsync('booking/details', {
      ...flow.view(reply, d, URL),
      redoText: reply.request.t('booking.change.redoDetails'),
      municipalityPhone: app.config.municipality.phone,
      needsAddress: d.mode === 'home',
      outOfArea: d.outOfArea,
      values,
      errors,
      languages,
    });

  form(URL, {
    // A visit at home needs the street.
    // Out of every area the municipality calls: the phone number is needed then.
    schema: (req) => {
      const d = steps.draft(req);
      return detailsSchema(d.mode === 'home', app.now(), { phoneRequired: d.outOfArea === true });
    },
    page: detailsPage,
    values: draftValues,
    // The house number is not on this form: the one from the first step is shown.
    retyped: (d, input) => ({ ...input, houseNumber: d.houseNumber ?? '' }),
    // Every field of the form is stored as checked; the consent as given.
    store: (req) => saveDraft(app, req, { ...req.body, consent: true }),
  });
}
