// A coach who leaves (deactivated, or moved to another team) is recorded as absent from that
// moment on, and their future blocks are handled with the same choices as an absence:
//   /medewerker/afwezigheid/vertrek/:absenceId
// Admins come here straight from the account's page; a team lead of the blocks' team may do the
// same. Admins run the system, not the cases: their page shows the appointments' times, not the
// residents' names. The choices are written by handleAbsence, mails included.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Role } from '../../db/schema.js';
import { requireStaff } from '../../plugins/auth.js';
import { isKtError, ktError } from '../../errors.js';
import { mailContext } from '../blocks/context.js';
import { parseId, type Errors, type Values } from '../blocks/schemas.js';
import { choiceValues, readChoices } from './choices.js';
import { absenceById, blocksDuring, type AbsenceRow } from './repository.js';
import { handleAbsence } from './service.js';
import { absenceBlocks, auditNamesShown, periodText } from './view.js';

type Body = Record<string, unknown>;
const access = { config: { access: { roles: ['admin', 'teamlead'] as Role[] } } };

/** The absence in the URL, counted in the team of the coach's future blocks (the old team after a move). */
async function loadDeparture(app: FastifyInstance, req: FastifyRequest) {
  const staff = requireStaff(req);
  const id = parseId((req.params as { absenceId?: string }).absenceId);
  const row = id === null ? null : await absenceById(app.db, id);
  if (!row) throw ktError('KT_NOT_FOUND', 'no such absence');
  const now = app.now();
  const first = (await blocksDuring(app.db, row.staff_id, row.starts_at, row.ends_at, now))[0];
  const teamId = first?.team_id ?? row.team_id;
  // A team lead handles only the blocks of their own team; anything else does not exist for them.
  if (staff.role !== 'admin' && (teamId === null || teamId !== staff.teamId))
    throw ktError('KT_NOT_FOUND', 'absence of another team');
  const absence: AbsenceRow = { ...row, team_id: teamId };
  return { staff, absence, teamId, hideNames: staff.role === 'admin' };
}

type Departure = Awaited<ReturnType<typeof loadDeparture>>;

export default function departureRoutes(app: FastifyInstance) {
  async function page(
    reply: FastifyReply,
    d: Departure,
    values: Values,
    errors: Errors,
    status = 200,
    extra: Record<string, unknown> = {},
  ) {
    const blocks = d.teamId === null ? [] : await absenceBlocks(app.db, d.absence, app.now());
    const seen = { actorStaffId: d.staff.id, teamId: d.teamId, blocks, page: 'departure', at: app.now() };
    if (!d.hideNames) await auditNamesShown(app.db, seen);
    return reply.code(status).viewAsync('absence/departure', {
      absence: d.absence,
      blocks,
      values,
      errors,
      hideNames: d.hideNames,
      back: d.hideNames ? `/medewerker/beheer/medewerkers/${d.absence.staff_id}` : '/medewerker/afwezigheid',
      conflict: null,
      notice: null,
      period: periodText,
      ...extra,
    });
  }

  app.get('/medewerker/afwezigheid/vertrek/:absenceId', access, async (req, reply) => {
    const d = await loadDeparture(app, req);
    const done = (req.query as Record<string, string | undefined>).klaar === '1';
    return page(reply, d, {}, {}, 200, { done });
  });

  app.post('/medewerker/afwezigheid/vertrek/:absenceId', access, async (req, reply) => {
    const d = await loadDeparture(app, req);
    const body = req.body as Body;
    const values = choiceValues(body);
    const blocks = d.teamId === null ? [] : await absenceBlocks(app.db, d.absence, app.now());
    const here = `/medewerker/afwezigheid/vertrek/${d.absence.id}`;
    if (blocks.length === 0 || d.teamId === null) return reply.redirect(here, 303);
    const { choices, errors } = await readChoices(app.db, d.absence.staff_id, d.teamId, blocks, body);
    if (Object.keys(errors).length) return page(reply, d, values, errors, 400);
    try {
      const actor = { id: d.staff.id, name: d.staff.name, teamId: d.teamId };
      await handleAbsence(app.db, d.absence, choices, actor, { mail: mailContext(app), now: app.now() });
      app.mail.kick();
      return reply.redirect(`${here}?klaar=1`, 303);
    } catch (err) {
      if (isKtError(err, 'KT_BLOCK_CONFLICT'))
        return page(reply, d, values, {}, 409, { conflict: err.details.conflict ?? {} });
      if (isKtError(err, 'KT_BLOCKS_CHANGED', 'KT_REHOME_TAKEN'))
        return page(reply, d, values, {}, 409, {
          notice: err.code === 'KT_BLOCKS_CHANGED' ? 'absence.stale' : 'absence.taken',
        });
      throw err;
    }
  });
}
