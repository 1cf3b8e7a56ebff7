// Urgent within 24 hours, or no free time anywhere: the team calls back. No calendar.
import type { FastifyInstance } from 'fastify';
import type { StepPage } from '../../../core/forms.js';
import { markDraftBooked, type Draft } from '../../../core/signup-draft.js';
import { callbackSchema } from '../../../core/intake.js';
import { book, type ResidentInput } from '../../../core/booking.js';
import type { Locale } from '../../../core/i18n.js';
import { returningBooking } from '../../returning/service.js';
import type { SignupFlow } from '../flow.js';

const URL = '/aanmelden/terugbellen';

export function callbackStep(app: FastifyInstance, flow: SignupFlow): void {
  const { form, steps, ownTeam, alreadyBooked, mailCtx } = flow;
  // Urgent within 24 hours, or no free time anywhere: the team calls back. No calendar.
  const callbackPage: StepPage<Draft> = async (reply, d, values, errors, status = 200) =>
    reply
      .code(status)
      .viewAsync('booking/callback', { team: await ownTeam(d), urgent: d.urgent24h === true, values, errors });

  form(URL, {
    schema: callbackSchema,
    page: callbackPage,
    values: (d) => ({ name: d.name ?? '', phone: d.phone ?? '' }),
    before: [alreadyBooked],
    save: async (req, reply) => {
      const d = steps.draft(req);
      const team = await ownTeam(d);
      const result = await book(app.db, {
        team,
        resident: callbackResident(d, req.body, req.locale),
        request: flow.request(d, team, { urgent24h: d.urgent24h === true, companion: null }),
        slot: null,
        status: 'callback',
        now: app.now(),
        secret: app.config.sessionSecret,
        mail: mailCtx(),
        ...(await returningBooking(app.db, d, team?.id ?? null, app.now(), app.config.publicUrl)),
      });
      app.mail.kick();
      req.session.set('booked', {
        requestId: result.requestId,
        token: null,
        callback: true,
        urgent: d.urgent24h === true,
        teamId: team?.id ?? null,
      });
      await markDraftBooked(app, req, result.requestId);
      return reply.redirect('/aanmelden/bevestiging', 303);
    },
  });
}

/**
 * Who asks to be called back. A returning resident keeps what the team knows; anyone else gives
 * only a name and a phone number here.
 */
function callbackResident(d: Draft, given: { name: string; phone: string }, locale: Locale): ResidentInput {
  const base = {
    name: given.name,
    phone: given.phone,
    postcode: d.postcode ?? null,
    houseNumber: d.houseNumber ?? null,
    dateOfBirth: null,
    mailLocale: locale,
  };
  if (!d.returningResidentId)
    return { ...base, email: null, street: null, city: null, language: 'nl', interpreter: false };
  return {
    ...base,
    email: d.email || null,
    street: d.street || null,
    city: d.city || null,
    language: d.language ?? 'nl',
    interpreter: d.interpreter === true,
  };
}
