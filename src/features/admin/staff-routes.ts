// Staff accounts in the administration: the list, a new account (with an invitation mail), an
// account's page and a new invitation. The rules live in staff-service.ts.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Role } from '../../db/schema.js';
import { DomainError, idParam } from '../../errors.js';
import { requireStaff, type StaffSession } from '../../plugins/auth.js';
import { fieldErrors } from '../../core/forms.js';
import { roles, staffSchema } from './schemas.js';
import { createStaff, reinvite, updateStaff, type StaffInput } from './staff-service.js';

type Body = Record<string, string | string[] | undefined>;
type Values = Record<string, string>;
const adminOnly = { config: { access: { roles: ['admin'] as Role[] } } };
const s = (b: Body, k: string) => (typeof b[k] === 'string' ? (b[k] as string) : '');

export default async function adminStaffRoutes(app: FastifyInstance) {
  const db = app.db;
  const ctx = (staff: StaffSession) => ({
    actor: { id: staff.id, name: staff.name },
    now: app.now(),
    publicUrl: app.config.publicUrl,
  });

  app.get('/medewerker/beheer/medewerkers', adminOnly, async (_req, reply) => {
    const staff = await db
      .selectFrom('staff_user')
      .leftJoin('team', 'team.id', 'staff_user.team_id')
      .select([
        'staff_user.id',
        'staff_user.name',
        'staff_user.email',
        'staff_user.role',
        'staff_user.active',
        'staff_user.password_hash',
        'team.name as team_name',
      ])
      .orderBy('team.name')
      .orderBy('staff_user.name')
      .execute();
    return reply.viewAsync('admin/staff-list', {
      staff: staff.map(({ password_hash, ...rest }) => ({ ...rest, invited: password_hash === null })),
    });
  });

  async function staffPage(
    reply: FastifyReply,
    staffId: number | null,
    values: Values,
    errors: Record<string, string>,
    status = 200,
    extra: Record<string, unknown> = {},
  ) {
    const teams = await db.selectFrom('team').select(['id', 'name']).orderBy('name').execute();
    const own = staffId !== null && staffId === reply.request.staff?.id;
    return reply.code(status).viewAsync('admin/staff', { staffId, values, errors, teams, roles, own, ...extra });
  }

  async function current(staffId: string) {
    const u = await db.selectFrom('staff_user').selectAll().where('id', '=', idParam(staffId)).executeTakeFirst();
    if (!u) throw new DomainError('not_found', 'no such staff member');
    return u;
  }
  const valuesOf = (u: Awaited<ReturnType<typeof current>>): Values => ({
    name: u.name,
    email: u.email,
    role: u.role,
    teamId: u.team_id ? String(u.team_id) : '',
    expertise: u.expertise.join(', '),
    active: u.active ? 'yes' : '',
  });

  app.get('/medewerker/beheer/medewerkers/nieuw', adminOnly, async (_req, reply) =>
    staffPage(reply, null, { name: '', email: '', role: 'coach', teamId: '', expertise: '', active: 'yes' }, {}),
  );

  app.get<{ Params: { staffId: string } }>('/medewerker/beheer/medewerkers/:staffId', adminOnly, async (req, reply) => {
    const u = await current(req.params.staffId);
    const q = req.query as Record<string, string>;
    return staffPage(reply, u.id, valuesOf(u), {}, 200, {
      saved: q.klaar === '1',
      invited: q.klaar === 'uitgenodigd',
      pending: u.password_hash === null,
    });
  });

  /** The typed values, checked; for one's own account the fields not on the form stay as they are. */
  function parse(
    body: Body,
    keep: Values | null,
  ): { values: Values; input: StaffInput | null; errors: Record<string, string> } {
    const posted = (k: string) => (keep && body[k] === undefined ? keep[k]! : s(body, k));
    const values = {
      name: s(body, 'name'),
      email: posted('email'),
      role: posted('role'),
      teamId: posted('teamId'),
      expertise: s(body, 'expertise'),
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

  app.post('/medewerker/beheer/medewerkers/nieuw', adminOnly, async (req, reply) => {
    const { values, input, errors } = parse(req.body as Body, null);
    if (!input) return staffPage(reply, null, values, errors, 400);
    const result = await createStaff(db, { ...input, active: true }, ctx(requireStaff(req)));
    if (!result.ok) return staffPage(reply, null, values, result.errors, 400);
    app.mail.kick();
    return reply.redirect(`/medewerker/beheer/medewerkers/${result.id}?klaar=uitgenodigd`, 303);
  });

  app.post<{ Params: { staffId: string } }>(
    '/medewerker/beheer/medewerkers/:staffId',
    adminOnly,
    async (req, reply) => {
      const u = await current(req.params.staffId);
      const me = requireStaff(req);
      const { values, input, errors } = parse(req.body as Body, u.id === me.id ? valuesOf(u) : null);
      const pending = u.password_hash === null;
      if (!input) return staffPage(reply, u.id, values, errors, 400, { pending });
      const result = await updateStaff(db, u.id, input, ctx(me));
      if (!result.ok) return staffPage(reply, u.id, values, result.errors, 400, { pending });
      app.mail.kick();
      return reply.redirect(`/medewerker/beheer/medewerkers/${u.id}?klaar=1`, 303);
    },
  );

  app.post<{ Params: { staffId: string } }>(
    '/medewerker/beheer/medewerkers/:staffId/uitnodigen',
    adminOnly,
    async (req, reply) => {
      const u = await current(req.params.staffId);
      await reinvite(db, u.id, ctx(requireStaff(req)));
      app.mail.kick();
      return reply.redirect(`/medewerker/beheer/medewerkers/${u.id}?klaar=uitgenodigd`, 303);
    },
  );
}
