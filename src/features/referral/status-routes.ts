// /verwijzen/status/:token — the referrer's status page: received, scheduled, held or closed,
// and for a 3-gesprek the referrer joins its current time and place (or that it is off); nothing
// more (no name, no question). Unknown links are a 404; a request closed
// longer than the grace period ago is gone (410). Never cached.
import type { FastifyInstance } from 'fastify';
import { DomainError } from '../../errors.js';
import { referralStatus, STATUS_GRACE_DAYS } from './service.js';

export default async function statusRoutes(app: FastifyInstance) {
  app.get<{ Params: { token: string } }>('/verwijzen/status/:token', async (req, reply) => {
    const found = await referralStatus(app.db, req.params.token, app.now());
    if (found === null) throw new DomainError('not_found', 'unknown status link');
    if (found === 'gone') throw new DomainError('gone', 'status link expired');
    return reply.viewAsync('referral/status', {
      ...found,
      steps: ['received', 'scheduled', 'held', 'closed'],
      graceDays: STATUS_GRACE_DAYS,
    });
  });
}
