// /medewerker/afspraken/:appointmentId — the appointment page with the question — and its
// actions (gebeld, vorm, uitkomst, regie), plus closing a request at
// /medewerker/aanvragen/:requestId/sluiten. Coaches and team leads of the team only; another
// team's record is a 404. Each action redirects back to the page, which shows the result.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeAny } from 'zod';
import { assertOwnTeam, CASE_ROLES, requireStaff, type StaffSession } from '../../plugins/auth.js';
import { DomainError } from '../../errors.js';
import { fieldErrors } from '../../core/forms.js';
import { modes } from '../../core/intake.js';
import {
  latestAppointmentOf,
  loadCase,
  requestForClose,
  staffNames,
  type CaseRow,
  type RequestForClose,
} from './repository.js';
import {
  calledSchema,
  closeSchema,
  keepValues,
  leadSchema,
  modeSchema,
  outcomes,
  outcomeSchema,
  results,
} from './schemas.js';
import { linkSchema, linkToResident } from '../returning/link.js';
import { ActionError } from '../../core/forms.js';
import {
  changeMode,
  closeRefusal,
  closeRequest,
  markCalled,
  pageModel,
  recordView,
  registerOutcome,
  setLeadCoach,
} from './service.js';

type AppointmentParams = { appointmentId: string };
type RequestParams = { requestId: string };
const scoped = { access: { roles: CASE_ROLES, teamScoped: true } };
const DONE = ['gebeld', 'vorm', 'vorm-gemaild', 'uitkomst', 'regie', 'regie-gemaild', 'gekoppeld', 'gesloten'] as const;

function idParam(v: string): number {
  if (!/^\d{1,9}$/.test(v)) throw new DomainError('not_found', 'bad id');
  return Number(v);
}

export default async function appointmentsRoutes(app: FastifyInstance) {
  const mailCtx = () => app.mailContext();

  async function loadOwn(
    req: FastifyRequest<{ Params: AppointmentParams }>,
  ): Promise<{ staff: StaffSession; c: CaseRow }> {
    const staff = requireStaff(req);
    const c = await loadCase(app.db, idParam(req.params.appointmentId));
    if (!c) throw new DomainError('not_found', 'no such appointment');
    assertOwnTeam(staff, c.team_id);
    return { staff, c };
  }

  /** The page; every rendering shows the question, so every rendering is audited. */
  async function page(
    reply: FastifyReply,
    staff: StaffSession,
    c: CaseRow,
    opts: {
      values?: Record<string, string>;
      errors?: Record<string, string>;
      status?: number;
      done?: string | null;
    } = {},
  ) {
    const model = await pageModel(app.db, c);
    await recordView(app.db, c, staff);
    const values = {
      callNote: c.call_note ?? '',
      mode: c.mode,
      solo: c.solo_coach_id === null ? '' : String(c.solo_coach_id),
      outcome: '',
      result: '',
      leadCoach: c.lead_coach_id === null ? '' : String(c.lead_coach_id),
      closeNote: '',
      ...opts.values,
    };
    return reply.code(opts.status ?? 200).viewAsync('appointments/show', {
      c,
      ...model,
      me: staff,
      values,
      errors: opts.errors ?? {},
      done: opts.done ?? null,
      now: app.now(),
      modes,
      outcomes,
      results,
      closeBlocked:
        closeRefusal({ ...c, id: c.request_id, status: c.request_status, resident_name: c.resident_name }, staff)
          ?.key ?? null,
    });
  }

  app.get<{ Params: AppointmentParams }>(
    '/medewerker/afspraken/:appointmentId',
    { config: scoped },
    async (req, reply) => {
      const { staff, c } = await loadOwn(req);
      const done = (req.query as Record<string, unknown>).klaar;
      return page(reply, staff, c, { done: (DONE as readonly unknown[]).includes(done) ? (done as string) : null });
    },
  );

  /** One action: validate, run, and redirect to the page, or show the page with the message. */
  function action<S extends ZodTypeAny>(
    path: string,
    fields: string[],
    schema: S,
    run: (staff: StaffSession, c: CaseRow, input: S['_output']) => Promise<string>,
  ) {
    app.post<{ Params: AppointmentParams }>(
      `/medewerker/afspraken/:appointmentId/${path}`,
      { config: scoped },
      async (req, reply) => {
        const { staff, c } = await loadOwn(req);
        const values = keepValues(req.body, fields);
        const parsed = schema.safeParse(values);
        if (!parsed.success) return page(reply, staff, c, { values, errors: fieldErrors(parsed.error), status: 400 });
        try {
          const done = await run(staff, c, parsed.data);
          app.mail.kick();
          return reply.redirect(`/medewerker/afspraken/${c.id}?klaar=${done}`, 303);
        } catch (err) {
          if (err instanceof ActionError)
            return page(reply, staff, c, { values, errors: { [err.field]: err.key }, status: err.status });
          throw err;
        }
      },
    );
  }

  action('gebeld', ['callNote'], calledSchema, async (staff, c, input) => {
    await markCalled(app.db, c, staff, input.callNote, app.now());
    return 'gebeld';
  });

  action('vorm', ['mode', 'solo'], modeSchema, async (staff, c, input) => {
    const { residentMailed } = await changeMode(app.db, c, staff, input, app.now(), mailCtx());
    return residentMailed ? 'vorm-gemaild' : 'vorm';
  });

  action('uitkomst', ['outcome', 'result'], outcomeSchema, async (staff, c, input) => {
    await registerOutcome(app.db, c, staff, input, app.now());
    if (input.outcome === 'cancelled') app.metrics.cancelled('staff');
    return 'uitkomst';
  });

  action('regie', ['leadCoach', 'leadNote'], leadSchema, async (staff, c, input) => {
    const { residentMailed } = await setLeadCoach(app.db, c, staff, input.leadCoach, {
      note: input.leadNote || null,
      mail: mailCtx(),
    });
    return residentMailed ? 'regie-gemaild' : 'regie';
  });

  // Link this sign-up to a resident the team already knows (src/features/returning/link.ts).
  action('koppelen', ['residentId'], linkSchema, async (staff, c, input) => {
    await linkToResident(app.db, c, staff, input.residentId, app.config.publicUrl);
    return 'gekoppeld';
  });

  // Closing a request. Its form sits on the appointment page (appointmentId in the form) or,
  // for a request without an appointment, on its own small page.
  async function loadRequest(
    req: FastifyRequest<{ Params: RequestParams }>,
  ): Promise<{ staff: StaffSession; r: RequestForClose }> {
    const staff = requireStaff(req);
    const r = await requestForClose(app.db, idParam(req.params.requestId));
    if (!r) throw new DomainError('not_found', 'no such request');
    assertOwnTeam(staff, r.team_id);
    return { staff, r };
  }

  async function closePage(
    reply: FastifyReply,
    staff: StaffSession,
    r: RequestForClose,
    opts: { values?: Record<string, string>; errors?: Record<string, string>; status?: number; done?: boolean } = {},
  ) {
    const appointmentId = await latestAppointmentOf(app.db, r.id);
    const closedByName =
      r.closed_by === null ? null : ((await staffNames(app.db, [r.closed_by])).get(r.closed_by) ?? null);
    return reply.code(opts.status ?? 200).viewAsync('appointments/close', {
      r,
      appointmentId,
      closedByName,
      values: { closeNote: '', ...opts.values },
      errors: opts.errors ?? {},
      done: opts.done ?? false,
      closeBlocked: closeRefusal(r, staff)?.key ?? null,
    });
  }

  app.get<{ Params: RequestParams }>(
    '/medewerker/aanvragen/:requestId/sluiten',
    { config: scoped },
    async (req, reply) => {
      const { staff, r } = await loadRequest(req);
      return closePage(reply, staff, r, { done: (req.query as Record<string, unknown>).klaar === 'gesloten' });
    },
  );

  app.post<{ Params: RequestParams }>(
    '/medewerker/aanvragen/:requestId/sluiten',
    { config: scoped },
    async (req, reply) => {
      const { staff, r } = await loadRequest(req);
      const values = keepValues(req.body, ['closeNote', 'appointmentId']);
      // The page to answer on: the appointment the form was on, if it belongs to this request.
      const from = /^\d{1,9}$/.test(values.appointmentId!)
        ? await loadCase(app.db, Number(values.appointmentId))
        : null;
      const c = from && from.request_id === r.id ? from : null;
      const fail = (errors: Record<string, string>, status: number) =>
        c
          ? page(reply, staff, c, { values: { closeNote: values.closeNote! }, errors, status })
          : closePage(reply, staff, r, { values, errors, status });
      const refused = closeRefusal(r, staff);
      if (refused) return fail({ [refused.field]: refused.key }, refused.status);
      const parsed = closeSchema.safeParse(values);
      if (!parsed.success) return fail(fieldErrors(parsed.error), 400);
      try {
        await closeRequest(app.db, r, staff, parsed.data.closeNote, app.now());
      } catch (err) {
        if (err instanceof ActionError) return fail({ [err.field]: err.key }, err.status);
        throw err;
      }
      return reply.redirect(
        c ? `/medewerker/afspraken/${c.id}?klaar=gesloten` : `/medewerker/aanvragen/${r.id}/sluiten?klaar=gesloten`,
        303,
      );
    },
  );
}
