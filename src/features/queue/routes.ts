// /medewerker/wachtrij: call-back requests and sign-ups waiting for a team or an appointment.
//   POST /medewerker/aanvragen/:requestId/toewijzen   give an unassigned sign-up a team
//   POST /medewerker/aanvragen/:requestId/teruggebeld record that the team called back
//   POST /medewerker/aanvragen/:requestId/vaste-coach  a new fixed coach for a resident whose coach left
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CASE_ROLES, requireStaff, type StaffSession } from '../../plugins/auth.js';
import { isKtError, ktError } from '../../errors.js';
import {
  assignable,
  assignToTeam,
  callbackOfOwnTeam,
  canAssign,
  loadQueue,
  markCalledBack,
  sinceText,
} from './service.js';
import { assignSchema, calledBackSchema, idParam } from './schemas.js';
import { textField, type PostedForm } from '../../core/posted-form.js';
import { checkLead, handOver, leadsLeft, requestOfOwnTeam } from './lead.js';
import { teamCoaches } from '../../core/teams.js';
import { auditCasesListed } from '../../core/audit.js';

type Params = { Params: { requestId: string } };

const notices = {
  toegewezen: 'queue.done.assigned',
  teruggebeld: 'queue.done.calledBack',
  'vaste-coach': 'queue.done.lead',
} as const;

export default async function queueRoutes(app: FastifyInstance) {
  const page = queuePage(app);

  // The request of the URL, once the service's check says this user may act on it, and the one
  // field its form posts (shown again at `<prefix>-<id>` when it does not pass).
  async function target(
    req: FastifyRequest<Params>,
    check: (db: FastifyInstance['db'], staff: StaffSession, id: number) => Promise<unknown>,
    name: string,
    prefix: string,
  ) {
    const staff = requireStaff(req);
    const id = idParam(req.params.requestId);
    if (id === null) throw ktError('KT_NOT_FOUND', 'bad id');
    await check(app.db, staff, id);
    return { staff, id, field: `${prefix}-${id}`, value: textField(req.body as PostedForm, name) };
  }

  app.get(
    '/medewerker/wachtrij',
    { config: { access: { roles: ['coach', 'teamlead', 'frontoffice'] } } },
    async (req, reply) => page(req, reply),
  );

  // Not team-scoped in the access table: an unassigned sign-up has no team. The service checks
  // that the request has no team yet (front office: any; team lead: never another team's).
  app.post<Params>(
    '/medewerker/aanvragen/:requestId/toewijzen',
    { config: { access: { roles: ['frontoffice', 'teamlead'] } } },
    async (req, reply) => {
      const { staff, id, field, value } = await target(req, assignable, 'teamId', 'team');
      const parsed = assignSchema.safeParse({ teamId: value });
      if (!parsed.success)
        return page(req, reply, { [field]: parsed.error.issues[0]!.message }, { [field]: value }, 400);
      try {
        await assignToTeam(app.db, staff, id, parsed.data.teamId, app.now(), app.config.publicUrl);
      } catch (err) {
        if (isKtError(err, 'KT_UNKNOWN_TEAM'))
          return page(req, reply, { [field]: 'queue.errors.teamUnknown' }, { [field]: value }, 400);
        throw err;
      }
      app.mail.kick();
      return reply.redirect('/medewerker/wachtrij?klaar=toegewezen', 303);
    },
  );

  app.post<Params>(
    '/medewerker/aanvragen/:requestId/teruggebeld',
    { config: { access: { roles: CASE_ROLES, teamScoped: true } } },
    async (req, reply) => {
      const { staff, id, field, value } = await target(req, callbackOfOwnTeam, 'note', 'note');
      const parsed = calledBackSchema.safeParse({ note: value });
      if (!parsed.success)
        return page(req, reply, { [field]: parsed.error.issues[0]!.message }, { [field]: value }, 400);
      await markCalledBack(app.db, staff, id, parsed.data.note, app.now());
      return reply.redirect('/medewerker/wachtrij?klaar=teruggebeld', 303);
    },
  );

  leadRoute(app, page);
}

type Page = (
  req: FastifyRequest,
  reply: FastifyReply,
  errors?: Record<string, string>,
  values?: Record<string, string>,
  status?: number,
) => Promise<unknown>;

/** A new fixed coach for a resident whose coach left the team (the task in the queue). */
function leadRoute(app: FastifyInstance, page: Page) {
  app.post<Params>(
    '/medewerker/aanvragen/:requestId/vaste-coach',
    { config: { access: { roles: CASE_ROLES, teamScoped: true } } },
    async (req, reply) => {
      const staff = requireStaff(req);
      const id = idParam(req.params.requestId);
      if (id === null) throw ktError('KT_NOT_FOUND', 'bad id');
      await requestOfOwnTeam(app.db, staff, id);
      const field = `lead-${id}`;
      const value = textField(req.body as PostedForm, 'coachId');
      const checked = await checkLead(app.db, staff, value);
      if (typeof checked === 'string') return page(req, reply, { [field]: checked }, { [field]: value }, 400);
      // Already handed over by someone else: the queue as it is now.
      if (!(await handOver(app.db, staff, id, checked, app.now()))) return reply.redirect('/medewerker/wachtrij', 303);
      return reply.redirect('/medewerker/wachtrij?klaar=vaste-coach', 303);
    },
  );
}

/** The queue page, with the messages of a form that did not pass. */
function queuePage(app: FastifyInstance): Page {
  return async function page(
    req: FastifyRequest,
    reply: FastifyReply,
    errors: Record<string, string> = {},
    values: Record<string, string> = {},
    status = 200,
  ) {
    const staff = requireStaff(req);
    const q = await loadQueue(app.db, staff, app.now());
    const caseRole = CASE_ROLES.includes(staff.role) && staff.teamId !== null;
    const leads = caseRole ? await leadsLeft(app.db, staff.teamId!) : null;
    const coaches = caseRole ? await teamCoaches(app.db, staff.teamId!) : [];
    // Names, contact details and notes of every request shown (NEN 7513).
    const shown = [...q.urgent, ...q.normal, ...q.calledBack, ...q.openSignups, ...(q.unassigned ?? [])];
    const subjects = [
      ...shown.map((r) => ({ type: 'request' as const, id: r.id, teamId: r.team_id })),
      ...(leads ?? []).map((l) => ({ type: 'request' as const, id: l.request_id, teamId: staff.teamId })),
    ];
    await auditCasesListed(app.db, { actorStaffId: staff.id, subjects, page: 'queue', at: app.now() });
    const done = (req.query as Record<string, string> | undefined)?.klaar;
    return reply.code(status).viewAsync('queue/index', {
      q,
      me: staff,
      canAssign: canAssign(staff),
      canCallBack: CASE_ROLES.includes(staff.role),
      leads,
      coaches,
      since: (d: Date) => sinceText(d, app.now(), req.locale),
      errors,
      values,
      done: done && done in notices ? notices[done as keyof typeof notices] : null,
    });
  };
}
