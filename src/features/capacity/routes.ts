// /medewerker/capaciteit: the own team's capacity for the next weeks (coaches and team leads).
import type { FastifyInstance } from 'fastify';
import { CASE_ROLES, requireStaff } from '../../plugins/auth.js';
import { ktError } from '../../errors.js';
import { teamById } from '../../core/teams.js';
import { capacityFigure } from './chart.js';
import { ALARM_DAYS, FREE_WINDOW_DAYS, teamCapacity } from './service.js';

export default async function capacityRoutes(app: FastifyInstance) {
  app.get('/medewerker/capaciteit', { config: { access: { roles: CASE_ROLES } } }, async (req, reply) => {
    const staff = requireStaff(req);
    const team = staff.teamId ? await teamById(app.db, staff.teamId) : null;
    if (!team) throw ktError('KT_NOT_FOUND', 'staff member without a team');
    const capacity = await teamCapacity(app.db, team, app.now());
    return reply.viewAsync('capacity/index', {
      c: capacity,
      figure: await capacityFigure(capacity, req.t, req.locale),
      freeWindowDays: FREE_WINDOW_DAYS,
      alarmDays: ALARM_DAYS,
      now: app.now(),
    });
  });
}
