// The appointment page (/medewerker/afspraken/:appointmentId) as every route that answers with it
// renders it: the case of the URL (404 for an unknown one or another team's) and the page itself.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ownTeamRecord, CASE_ROLES, requireStaff, type StaffSession } from '../../plugins/auth.js';
import { ktError } from '../../errors.js';
import { modes } from '../../core/intake.js';
import { placeOf } from '../../core/mail/place.js';
import { loadCase, type CaseRow } from './repository.js';
import { outcomes, results } from './schemas.js';
import { closeRefusal, pageModel } from './service.js';
import { auditCaseViewed, auditCasesListed, type CaseSubject } from '../../core/audit.js';

export type AppointmentParams = { appointmentId: string };
export const scoped = { access: { roles: CASE_ROLES, teamScoped: true } };

/** A numeric id from the URL; anything else is a page that does not exist. */
export function idParam(v: string): number {
  if (!/^\d{1,9}$/.test(v)) throw ktError('KT_NOT_FOUND', 'bad id');
  return Number(v);
}

export async function loadOwn(app: FastifyInstance, req: FastifyRequest<{ Params: AppointmentParams }>) {
  const staff = requireStaff(req);
  return { staff, c: ownTeamRecord(staff, await loadCase(app.db, idParam(req.params.appointmentId)), 'appointment') };
}

/**
 * The page was shown (NEN 7513): this case, and what else it shows: the questions of the
 * resident's earlier requests of this team and residents who look like this one.
 */
export async function recordView(
  db: FastifyInstance['db'],
  c: CaseRow,
  staff: StaffSession,
  model: Awaited<ReturnType<typeof pageModel>>,
  at: Date,
): Promise<void> {
  const page = 'appointment';
  await auditCaseViewed(db, { actorStaffId: staff.id, requestId: c.request_id, teamId: c.team_id, page, at });
  const subjects: CaseSubject[] = [
    ...model.earlier.filter((r) => r.ownTeam).map((r) => ({ type: 'request' as const, id: r.id, teamId: r.team_id })),
    ...model.returning.matches.map((m) => ({ type: 'resident' as const, id: m.id, teamId: c.team_id })),
  ];
  await auditCasesListed(db, { actorStaffId: staff.id, subjects, page, at });
}

export interface PageOptions {
  values?: Record<string, string>;
  errors?: Record<string, string>;
  status?: number;
  done?: string | null;
}

/** The page; every rendering shows the question, so every rendering is audited. */
export async function page(
  app: FastifyInstance,
  reply: FastifyReply,
  staff: StaffSession,
  c: CaseRow,
  opts: PageOptions = {},
) {
  const model = await pageModel(app.db, c);
  await recordView(app.db, c, staff, model, app.now());
  const values = {
    callNote: c.call_note ?? '',
    mode: placeOf(c).kind === 'referrer' ? 'referrer' : c.mode,
    solo: c.solo_coach_id === null ? '' : String(c.solo_coach_id),
    outcome: '',
    result: '',
    leadCoach: c.lead_coach_id === null ? '' : String(c.lead_coach_id),
    closeNote: '',
    ...opts.values,
  };
  const asRequest = { ...c, id: c.request_id, status: c.request_status, resident_name: c.resident_name };
  return reply.code(opts.status ?? 200).viewAsync('appointments/show', {
    c,
    place: placeOf(c),
    ...model,
    me: staff,
    values,
    errors: opts.errors ?? {},
    done: opts.done ?? null,
    now: app.now(),
    // A 3-gesprek's place is offered while the appointment has one.
    modes: c.referrer_location ? [...modes, 'referrer'] : modes,
    outcomes,
    results,
    closeBlocked: closeRefusal(asRequest, staff)?.details.key ?? null,
  });
}
