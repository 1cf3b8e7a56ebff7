// Staff accounts in the administration: the list, a new account (with an invitation mail), an
// account's page and a new invitation. The rules live in staff-service.ts.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Role } from '../../db/schema.js';
import { idParam, ktError } from '../../errors.js';
import { requireStaff, type StaffSession } from '../../plugins/auth.js';
import { fieldErrors } from '../../core/forms.js';
import { textField, type PostedForm } from '../../core/posted-form.js';
import { adminOnly } from './access.js';
import { pendingDeparture, staffById, staffList, teamNames } from './repository.js';
import { roles, staffSchema } from './schemas.js';
import { createStaff, reinvite, updateStaff, type StaffInput } from './staff-service.js';

type Values = Record<string, string>;

type StaffParams = { Params: { staffId: string } };
type Account = NonNullable<Awaited<ReturnType<typeof staffById>>>;

export default async function adminStaffRoutes(app: FastifyInstance) {
  app.get('/medewerker/beheer/medewerkers', adminOnly, async (_req, reply) => {
    const staff = await staffList(app.db);
    return reply.viewAsync('admin/staff-list', {
      staff: staff.map(({ password_hash, ...rest }) => ({ ...rest, invited: password_hash === null })),
    });
  });
  app.get('/medewerker/beheer/medewerkers/nieuw', adminOnly, async (_req, reply) =>
    staffPage(reply, null, { name: '', email: '', role: 'coach', teamId: '', expertise: '', active: 'yes' }, {}),
  );
  app.get<StaffParams>('/medewerker/beheer/medewerkers/:staffId', adminOnly, async (req, reply) => {
    const u = await accountOf(app, req.params.staffId);
    const q = req.query as Record<string, string>;
    return staffPage(reply, u.id, valuesOf(u), {}, 200, {
      departure: await pendingDeparture(app.db, u.id, app.now()),
      saved: q.klaar === '1',
      invited: q.klaar === 'uitgenodigd',
      pending: u.password_hash === null,
    });
  });
  staffWriteRoutes(app);
}

/** A new account, changes to an account, and a new invitation. */
function staffWriteRoutes(app: FastifyInstance) {
  const ctx = (staff: StaffSession) => ({
    actor: { id: staff.id, name: staff.name },
    now: app.now(),
    publicUrl: app.config.publicUrl,
  });

  app.post('/medewerker/beheer/medewerkers/nieuw', adminOnly, async (req, reply) => {
    const { values, input, errors } = parse(req.body as PostedForm, null);
    if (!input) return staffPage(reply, null, values, errors, 400);
    const result = await createStaff(app.db, { ...input, active: true }, ctx(requireStaff(req)));
    if (!result.ok) return staffPage(reply, null, values, result.errors, 400);
    app.mail.kick();
    return reply.redirect(`/medewerker/beheer/medewerkers/${result.id}?klaar=uitgenodigd`, 303);
  });

  app.post<StaffParams>('/medewerker/beheer/medewerkers/:staffId', adminOnly, async (req, reply) => {
    const u = await accountOf(app, req.params.staffId);
    const me = requireStaff(req);
    const { values, input, errors } = parse(req.body as PostedForm, u.id === me.id ? valuesOf(u) : null);
    const pending = u.password_hash === null;
    if (!input) return staffPage(reply, u.id, values, errors, 400, { pending });
    const result = await updateStaff(app.db, u.id, input, ctx(me));
    if (!result.ok) return staffPage(reply, u.id, values, result.errors, 400, { pending });
    app.mail.kick();
    // Left with blocks still to come: on to the choices for those blocks.
    if (result.departureId) return reply.redirect(`/medewerker/afwezigheid/vertrek/${result.departureId}`, 303);
    return reply.redirect(`/medewerker/beheer/medewerkers/${u.id}?klaar=1`, 303);
  });

  app.post<StaffParams>('/medewerker/beheer/medewerkers/:staffId/uitnodigen', adminOnly, async (req, reply) => {
    const u = await accountOf(app, req.params.staffId);
    await reinvite(app.db, u.id, ctx(requireStaff(req)));
    app.mail.kick();
    return reply.redirect(`/medewerker/beheer/medewerkers/${u.id}?klaar=uitgenodigd`, 303);
  });
}

/** The account named in the URL, or the "page does not exist" page. */
async function accountOf(app: FastifyInstance, staffId: string): Promise<Account> {
  const u = await staffById(app.db, idParam(staffId));
  if (!u) throw ktError('KT_NOT_FOUND', 'no such staff member');
  return u;
}

const valuesOf = (u: Account): Values => ({
  name: u.name,
  email: u.email,
  role: u.role,
  teamId: u.team_id ? String(u.team_id) : '',
  expertise: u.expertise.join(', '),
  active: u.active ? 'yes' : '',
});

/** An account's page (or the new account's): the form, the teams to choose from, whether it is one's own. */
async function staffPage(
  reply: FastifyReply,
  staffId: number | null,
  values: Values,
  errors: Record<string, string>,
  status = 200,
  extra: Record<string, unknown> = {},
) {
  const teams = await teamNames(reply.server.db);
  const own = staffId !== null && staffId === reply.request.staff?.id;
  return reply.code(status).viewAsync('admin/staff', { staffId, values, errors, teams, roles, own, ...extra });
}

/** The typed values, checked; for one's own account the fields not on the form stay as they are. */
function parse(
  body: PostedForm,
  keep: Values | null,
): { values: Values; input: StaffInput | null; errors: Record<string, string> } {
  const posted = (k: string) => (keep && body[k] === undefined ? keep[k]! : textField(body, k));
  const values = {
    name: textField(body, 'name'),
    email: posted('email'),
    role: posted('role'),
    teamId: posted('teamId'),
    expertise: textField(body, 'expertise'),
    active: posted('active'),
  };
  const parsed = staffSchema.safeParse(values);
  if (!parsed.success) return { values, input: null, errors: fieldErrors(parsed.error) };
  const v = parsed.data;
  const input: StaffInput = {
    name: v.name,
    email: v.email,
    role: v.role as Role,
    teamId: /^\d+$/.test(v.teamId) ? Number(v.teamId) : null,
    expertise: v.expertise
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean),
    active: v.active === 'yes',
  };
  return { values, input, errors: {} };
}
