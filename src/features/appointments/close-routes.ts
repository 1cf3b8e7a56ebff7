// /medewerker/aanvragen/:requestId/sluiten: closing a request. Its form sits on the appointment
// page (appointmentId in the form) or, for a request without an appointment, on its own small
// page; a refusal answers on the page the form was on.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requireStaff, ownTeamRecord, type StaffSession } from '../../plugins/auth.js';
import { fieldErrors, isActionError } from '../../core/forms.js';
import { auditCaseViewed } from '../../core/audit.js';
import { latestAppointmentOf, loadCase, requestForClose, staffNames, type RequestForClose } from './repository.js';
import { closeSchema, keepValues } from './schemas.js';
import { closeRefusal, closeRequest } from './service.js';
import { idParam, page, scoped } from './page.js';

type RequestParams = { requestId: string };

async function loadRequest(app: FastifyInstance, req: FastifyRequest<{ Params: RequestParams }>) {
  const staff = requireStaff(req);
  return { staff, r: ownTeamRecord(staff, await requestForClose(app.db, idParam(req.params.requestId)), 'request') };
}

async function closePage(
  app: FastifyInstance,
  reply: FastifyReply,
  staff: StaffSession,
  r: RequestForClose,
  opts: { values?: Record<string, string>; errors?: Record<string, string>; status?: number; done?: boolean } = {},
) {
  const appointmentId = await latestAppointmentOf(app.db, r.id);
  // It shows the resident's name and the close note (NEN 7513).
  await auditCaseViewed(app.db, {
    actorStaffId: staff.id,
    requestId: r.id,
    teamId: r.team_id,
    page: 'close',
    at: app.now(),
  });
  const closedByName =
    r.closed_by === null ? null : ((await staffNames(app.db, [r.closed_by])).get(r.closed_by) ?? null);
  return reply.code(opts.status ?? 200).viewAsync('appointments/close', {
    r,
    appointmentId,
    closedByName,
    values: { closeNote: '', ...opts.values },
    errors: opts.errors ?? {},
    done: opts.done ?? false,
    closeBlocked: closeRefusal(r, staff)?.details.key ?? null,
  });
}

export function closeRoutes(app: FastifyInstance) {
  app.get<{ Params: RequestParams }>(
    '/medewerker/aanvragen/:requestId/sluiten',
    { config: scoped },
    async (req, reply) => {
      const { staff, r } = await loadRequest(app, req);
      return closePage(app, reply, staff, r, { done: (req.query as Record<string, unknown>).klaar === 'gesloten' });
    },
  );

  app.post<{ Params: RequestParams }>(
    '/medewerker/aanvragen/:requestId/sluiten',
    { config: scoped },
    async (req, reply) => {
      const { staff, r } = await loadRequest(app, req);
      const values = keepValues(req.body, ['closeNote', 'appointmentId']);
      // The page to answer on: the appointment the form was on, if it belongs to this request.
      const from = /^\d{1,9}$/.test(values.appointmentId!)
        ? await loadCase(app.db, Number(values.appointmentId))
        : null;
      const c = from && from.request_id === r.id ? from : null;
      const fail = (errors: Record<string, string>, status: number) =>
        c
          ? page(app, reply, staff, c, { values: { closeNote: values.closeNote! }, errors, status })
          : closePage(app, reply, staff, r, { values, errors, status });
      const refused = closeRefusal(r, staff);
      if (refused) return fail({ [refused.details.field]: refused.details.key }, refused.statusCode);
      const parsed = closeSchema.safeParse(values);
      if (!parsed.success) return fail(fieldErrors(parsed.error), 400);
      try {
        await closeRequest(app.db, r, staff, parsed.data.closeNote, app.now());
      } catch (err) {
        if (isActionError(err)) return fail({ [err.details.field]: err.details.key }, err.statusCode);
        throw err;
      }
      return reply.redirect(
        c ? `/medewerker/afspraken/${c.id}?klaar=gesloten` : `/medewerker/aanvragen/${r.id}/sluiten?klaar=gesloten`,
        303,
      );
    },
  );
}
