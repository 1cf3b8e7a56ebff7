// POST /afspraak/<token>/toestemming-intrekken: the resident withdraws their consent to feedback
// to the referrer. A plain form with a clear button (CSRF-checked); a repeated post changes nothing.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ManagedAppointment } from '../../core/managed-appointment.js';
import { withdrawFeedbackConsent } from './consent-service.js';

type Params = { token: string };
type Load = (req: FastifyRequest<{ Params: Params }>) => Promise<ManagedAppointment>;

export function consentRoutes(app: FastifyInstance, load: Load) {
  app.post<{ Params: Params }>(
    '/afspraak/:token/toestemming-intrekken',
    { config: { rateLimit: { max: app.config.publicPostLimit, timeWindow: '1 minute' } } },
    async (req, reply) => {
      const a = await load(req);
      await withdrawFeedbackConsent(app.db, a, app.now());
      return reply.redirect(`/afspraak/${req.params.token}?klaar=toestemming`, 303);
    },
  );
}
