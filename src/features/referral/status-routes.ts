// /verwijzen/status/:token — the referrer's status page: received, scheduled, held or closed,
// and for a 3-gesprek the referrer joins its current time and place (or that it is off); nothing
// more (no name, no question). Unknown links are a 404; a request closed longer than the grace
// period ago, or whose resident withdrew their consent to feedback, is gone (410), with one
// sentence for both that does not say why. Never cached.
import type { FastifyInstance } from 'fastify';
import { ktError } from '../../errors.js';
import { referralStatus, STATUS_GRACE_DAYS } from './service.js';

export default async function statusRoutes(app: FastifyInstance) {
  app.get<{ Params: { token: string } }>('/verwijzen/status/:token', async (req, reply) => {
    const found = await referralStatus(app.db, req.params.token, app.now());
    if (found === null) throw ktError('KT_NOT_FOUND', 'unknown status link');
    if (found === 'gone')
      return reply.code(410).viewAsync('errors/gone', { status: 410, goneText: 'referral.status.gone' });
    return reply.viewAsync('referral/status', {
      ...found,
      steps: ['received', 'scheduled', 'held', 'closed'],
      graceDays: STATUS_GRACE_DAYS,
    });
  });
}
