// /verwijzen/bevestiging: what was arranged after a referral was stored (the team, the time and
// coaches if a time was booked, the status link), never the resident's manage link.
import type { FastifyInstance } from 'fastify';
import { isWeekend, local } from '../../domain/time.js';
import { coachesOfBlock } from '../../core/blocks.js';
import { bookedAppointment, confirmationOf, contactFor } from './repository.js';
import { STATUS_PATH } from './mails.js';

export function confirmationRoute(app: FastifyInstance) {
  app.get('/verwijzen/bevestiging', async (req, reply) => {
    const referred = req.session.get('referred');
    if (!referred) return reply.redirect('/verwijzen', 303);
    const r = await confirmationOf(app.db, referred.requestId);
    if (!r) return reply.redirect('/verwijzen', 303);
    const appointment = referred.appointmentId ? await bookedAppointment(app.db, referred.appointmentId) : undefined;
    const coaches = appointment ? await coachesOfBlock(app.db, appointment.block_id) : [];
    const contact = r.team_id ? await contactFor(app.db, r.team_id, r.organisation) : null;
    const nowLocal = local(app.now());
    return reply.viewAsync('referral/confirmation', {
      r,
      appointment: appointment ?? null,
      coaches,
      contact,
      callbackToday: !isWeekend(nowLocal) && nowLocal.hour < 16,
      statusUrl: referred.statusToken ? `${STATUS_PATH}${referred.statusToken}` : null,
    });
  });
}
