// Absence (leave, sickness) of coaches:
//   /medewerker/afwezigheid               my absences (a team lead: the team's)
//   /medewerker/afwezigheid/nieuw         enter one (a team lead: for a coach of the team)
//   /medewerker/afwezigheid/:absenceId    the blocks in that period, with a choice for each
// The absent coach and the team lead may handle an absence; other coaches of the team see it
// read-only, and a POST of theirs gets its input checked first (400), then 403.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ownTeamRecord, CASE_ROLES, requireStaff, type StaffSession } from '../../plugins/auth.js';
import { isKtError, ktError } from '../../errors.js';
import { audit } from '../../core/audit.js';
import { teamCoaches } from '../../core/teams.js';
import { parseId, type Errors, type Values } from '../blocks/schemas.js';
import { actorOf, mailContext, pick, teamFormContext } from '../blocks/context.js';
import { absenceById, currentAbsences, insertAbsence } from './repository.js';
import { checkAbsence } from './schemas.js';
import { handleAbsence } from './service.js';
import { absenceBlocks, auditNamesShown, periodText } from './view.js';
import { choiceValues, readChoices } from './choices.js';
import departureRoutes from './departure-routes.js';

type Body = Record<string, unknown>;
const list = { config: { access: { roles: CASE_ROLES } } };
const scoped = { config: { access: { roles: CASE_ROLES, teamScoped: true } } };
const FIELDS = ['staff', 'fromDate', 'fromTime', 'untilDate', 'untilTime', 'kind', 'note'];

export default async function absenceRoutes(app: FastifyInstance) {
  listRoute(app);
  newAbsenceRoutes(app);
  detailRoutes(app);
  departureRoutes(app);
}

/** /medewerker/afwezigheid: my absences (a team lead: the team's). */
function listRoute(app: FastifyInstance) {
  app.get('/medewerker/afwezigheid', list, async (req, reply) => {
    const staff = requireStaff(req);
    const absences = await currentAbsences(
      app.db,
      staff.teamId!,
      staff.role === 'teamlead' ? null : staff.id,
      app.now(),
    );
    return reply.viewAsync('absence/list', { absences, me: staff, period: periodText });
  });
}

/** /medewerker/afwezigheid/nieuw: enter an absence. */
function newAbsenceRoutes(app: FastifyInstance) {
  async function newPage(reply: FastifyReply, staff: StaffSession, values: Values, errors: Errors, status = 200) {
    const colleagues = await teamCoaches(app.db, staff.teamId!);
    return reply
      .code(status)
      .viewAsync('absence/new', { values, errors, colleagues, isTeamlead: staff.role === 'teamlead' });
  }

  app.get('/medewerker/afwezigheid/nieuw', list, async (req, reply) =>
    newPage(
      reply,
      requireStaff(req),
      { staff: '', fromDate: '', fromTime: '', untilDate: '', untilTime: '', kind: '', note: '' },
      {},
    ),
  );

  app.post('/medewerker/afwezigheid/nieuw', list, async (req, reply) => {
    const staff = requireStaff(req);
    const values = pick(req.body as Body, FIELDS);
    const { errors, plan } = checkAbsence(values, await teamFormContext(app, staff));
    if (!plan) return newPage(reply, staff, values, errors, 400);
    const id = await app.db.transaction().execute(async (trx) => {
      const { id, created } = await insertAbsence(trx, { ...plan, createdBy: staff.id });
      if (created)
        await audit(trx, {
          action: 'absence_created',
          actorStaffId: staff.id,
          subjectType: 'absence',
          subjectId: id,
          teamId: staff.teamId,
          detail: { staffId: plan.staffId },
        });
      return id;
    });
    return reply.redirect(`/medewerker/afwezigheid/${id}`, 303);
  });
}

/** The absence named in the URL: 404 when unknown or of another team. */
async function loadAbsence(app: FastifyInstance, req: FastifyRequest) {
  const staff = requireStaff(req);
  const id = parseId((req.params as { absenceId?: string }).absenceId);
  const absence = ownTeamRecord(staff, id === null ? null : await absenceById(app.db, id), 'absence');
  return { staff, absence, canHandle: staff.role === 'teamlead' || absence.staff_id === staff.id };
}

/** /medewerker/afwezigheid/:absenceId: the blocks in that period, with a choice for each. */
function detailRoutes(app: FastifyInstance) {
  async function detailPage(
    reply: FastifyReply,
    a: Awaited<ReturnType<typeof loadAbsence>>,
    values: Values,
    errors: Errors,
    status = 200,
    extra: Record<string, unknown> = {},
  ) {
    const blocks = await absenceBlocks(app.db, a.absence, app.now());
    const seen = { actorStaffId: a.staff.id, teamId: a.absence.team_id, blocks, page: 'absence', at: app.now() };
    await auditNamesShown(app.db, seen);
    return reply.code(status).viewAsync('absence/detail', {
      absence: a.absence,
      canHandle: a.canHandle,
      blocks,
      values,
      errors,
      conflict: null,
      notice: null,
      period: periodText,
      ...extra,
    });
  }

  app.get('/medewerker/afwezigheid/:absenceId', scoped, async (req, reply) => {
    const a = await loadAbsence(app, req);
    const done = (req.query as Record<string, string | undefined>).klaar === '1';
    return detailPage(reply, a, {}, {}, 200, { done });
  });

  app.post('/medewerker/afwezigheid/:absenceId', scoped, async (req, reply) => {
    const a = await loadAbsence(app, req);
    const body = req.body as Body;
    const blocks = await absenceBlocks(app.db, a.absence, app.now());
    const values: Values = choiceValues(body);
    // Nothing to decide: nothing changes.
    if (blocks.length === 0) return reply.redirect(`/medewerker/afwezigheid/${a.absence.id}`, 303);
    const { choices, errors } = await readChoices(app.db, a.absence.staff_id, a.staff.teamId!, blocks, body);
    if (Object.keys(errors).length) return detailPage(reply, a, values, errors, 400);
    if (!a.canHandle) throw ktError('KT_FORBIDDEN', 'not this coach and not the team lead');
    try {
      await handleAbsence(app.db, a.absence, choices, actorOf(a.staff), { mail: mailContext(app), now: app.now() });
      app.mail.kick();
      return reply.redirect(`/medewerker/afwezigheid/${a.absence.id}?klaar=1`, 303);
    } catch (err) {
      if (isKtError(err, 'KT_BLOCK_CONFLICT'))
        return detailPage(reply, a, values, {}, 409, { conflict: err.details.conflict ?? {} });
      if (isKtError(err, 'KT_BLOCKS_CHANGED', 'KT_REHOME_TAKEN'))
        return detailPage(reply, a, values, {}, 409, {
          notice: err.code === 'KT_BLOCKS_CHANGED' ? 'absence.stale' : 'absence.taken',
        });
      throw err;
    }
  });
}
