// Administration: teams with their settings, postcode areas and neighbours; staff accounts in
// staff-routes.ts. Admins manage configuration; they read no case content. Every write and its
// audit row are one transaction.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Role } from '../../db/schema.js';
import { DomainError, idParam, isConstraintViolation } from '../../errors.js';
import { requireStaff } from '../../plugins/auth.js';
import { audit } from '../../core/audit.js';
import { fieldErrors } from '../../core/forms.js';
import { overlappingAreas, teamsWithAreas } from './repository.js';
import { areaSchema, teamSchema } from './schemas.js';
import adminStaffRoutes from './staff-routes.js';

type Body = Record<string, string | string[] | undefined>;
const adminOnly = { config: { access: { roles: ['admin'] as Role[] } } };
const teamForm = { config: { ...adminOnly.config, lists: ['neighbours'] } };
const s = (b: Body, k: string) => (typeof b[k] === 'string' ? (b[k] as string) : '');
const list = (b: Body, k: string) =>
  Array.isArray(b[k]) ? (b[k] as string[]) : typeof b[k] === 'string' ? [b[k] as string] : [];
const teamFields = [
  'name',
  'slug',
  'phone',
  'email',
  'officeAddress',
  'horizonDays',
  'minNoticeDays',
  'promiseDays',
  'freeSlotThreshold',
  'reminderDays',
] as const;

export default async function adminRoutes(app: FastifyInstance) {
  const db = app.db;

  async function team(teamId: number) {
    const row = await db.selectFrom('team').selectAll().where('id', '=', teamId).executeTakeFirst();
    if (!row) throw new DomainError('not_found', 'no such team');
    return row;
  }

  app.get('/medewerker/beheer', adminOnly, async (_req, reply) =>
    reply.viewAsync('admin/index', { teams: await teamsWithAreas(db) }),
  );

  // Teams.
  async function teamPage(
    reply: FastifyReply,
    teamId: number | null,
    values: Record<string, string | string[]>,
    errors: Record<string, string>,
    status = 200,
    extra: Record<string, unknown> = {},
  ) {
    const all = await db.selectFrom('team').select(['id', 'name']).orderBy('name').execute();
    const areas = teamId
      ? await db.selectFrom('team_area').selectAll().where('team_id', '=', teamId).orderBy('postcode_from').execute()
      : [];
    return reply.code(status).viewAsync('admin/team', {
      teamId,
      values,
      errors,
      others: all.filter((x) => x.id !== teamId),
      areas,
      areaValues: { from: '', to: '' },
      areaErrors: {},
      ...extra,
    });
  }

  const teamValues = (t: Awaited<ReturnType<typeof team>>, neighbours: number[]) => ({
    name: t.name,
    slug: t.slug,
    phone: t.phone,
    email: t.email,
    officeAddress: t.office_address,
    horizonDays: String(t.horizon_days),
    minNoticeDays: String(t.min_notice_days),
    promiseDays: String(t.promise_days),
    freeSlotThreshold: String(t.free_slot_threshold),
    reminderDays: String(t.reminder_days),
    neighbours: neighbours.map(String),
  });

  app.get('/medewerker/beheer/teams/nieuw', adminOnly, async (_req, reply) =>
    teamPage(
      reply,
      null,
      {
        name: '',
        slug: '',
        phone: '',
        email: '',
        officeAddress: '',
        horizonDays: '21',
        minNoticeDays: '1',
        promiseDays: '14',
        freeSlotThreshold: '10',
        reminderDays: '2',
        neighbours: [],
      },
      {},
    ),
  );

  app.get<{ Params: { teamId: string } }>('/medewerker/beheer/teams/:teamId', adminOnly, async (req, reply) => {
    const t = await team(idParam(req.params.teamId));
    const n = await db.selectFrom('team_neighbour').select('neighbour_id').where('team_id', '=', t.id).execute();
    const saved = (req.query as Record<string, string>).klaar === '1';
    return teamPage(
      reply,
      t.id,
      teamValues(
        t,
        n.map((x) => x.neighbour_id),
      ),
      {},
      200,
      { saved },
    );
  });

  async function saveTeam(req: { body: unknown; staff: unknown }, reply: FastifyReply, teamId: number | null) {
    const body = req.body as Body;
    const values: Record<string, string | string[]> = Object.fromEntries(teamFields.map((f) => [f, s(body, f)]));
    values.neighbours = list(body, 'neighbours');
    const parsed = teamSchema.safeParse(values);
    if (!parsed.success) return teamPage(reply, teamId, values, fieldErrors(parsed.error), 400);
    const v = parsed.data;
    const neighbourIds = (values.neighbours as string[])
      .filter((x) => /^\d+$/.test(x))
      .map(Number)
      .filter((x) => x !== teamId);
    const row = {
      name: v.name,
      slug: v.slug,
      phone: v.phone,
      email: v.email,
      office_address: v.officeAddress,
      horizon_days: v.horizonDays,
      min_notice_days: v.minNoticeDays,
      promise_days: v.promiseDays,
      free_slot_threshold: v.freeSlotThreshold,
      reminder_days: v.reminderDays,
    };
    try {
      const id = await db.transaction().execute(async (trx) => {
        const id = teamId
          ? (await trx.updateTable('team').set(row).where('id', '=', teamId).returning('id').executeTakeFirstOrThrow())
              .id
          : (await trx.insertInto('team').values(row).returning('id').executeTakeFirstOrThrow()).id;
        await trx.deleteFrom('team_neighbour').where('team_id', '=', id).execute();
        if (neighbourIds.length)
          await trx
            .insertInto('team_neighbour')
            .values(neighbourIds.map((n) => ({ team_id: id, neighbour_id: n })))
            .execute();
        await audit(trx, {
          action: teamId ? 'team_updated' : 'team_created',
          actorStaffId: (req.staff as { id: number }).id,
          subjectType: 'team',
          subjectId: id,
          teamId: id,
          at: app.now(),
        });
        return id;
      });
      return reply.redirect(`/medewerker/beheer/teams/${id}?klaar=1`, 303);
    } catch (err) {
      if (isConstraintViolation(err, 'team_slug_key'))
        return teamPage(reply, teamId, values, { slug: 'admin.errors.slugTaken' }, 400);
      throw err;
    }
  }

  app.post('/medewerker/beheer/teams/nieuw', teamForm, async (req, reply) => saveTeam(req, reply, null));
  app.post<{ Params: { teamId: string } }>('/medewerker/beheer/teams/:teamId', teamForm, async (req, reply) => {
    const t = await team(idParam(req.params.teamId));
    return saveTeam(req, reply, t.id);
  });

  // Postcode areas.
  app.post<{ Params: { teamId: string } }>(
    '/medewerker/beheer/teams/:teamId/gebieden',
    adminOnly,
    async (req, reply) => {
      const t = await team(idParam(req.params.teamId));
      const body = req.body as Body;
      const areaValues = { from: s(body, 'from'), to: s(body, 'to') };
      const parsed = areaSchema.safeParse(areaValues);
      const n = await db.selectFrom('team_neighbour').select('neighbour_id').where('team_id', '=', t.id).execute();
      if (!parsed.success)
        return teamPage(
          reply,
          t.id,
          teamValues(
            t,
            n.map((x) => x.neighbour_id),
          ),
          {},
          400,
          { areaValues, areaErrors: fieldErrors(parsed.error) },
        );
      const overlaps = await overlappingAreas(db, t.id, parsed.data.from, parsed.data.to);
      await db.transaction().execute(async (trx) => {
        // The same range again (the form posted twice, or the overlap page reloaded) adds nothing.
        const added = await trx
          .insertInto('team_area')
          .values({ team_id: t.id, postcode_from: parsed.data.from, postcode_to: parsed.data.to })
          .onConflict((oc) => oc.columns(['team_id', 'postcode_from', 'postcode_to']).doNothing())
          .returning('id')
          .executeTakeFirst();
        if (!added) return;
        await audit(trx, {
          action: 'team_area_added',
          actorStaffId: requireStaff(req).id,
          subjectType: 'team',
          subjectId: t.id,
          teamId: t.id,
          at: app.now(),
          detail: { from: parsed.data.from, to: parsed.data.to },
        });
      });
      if (overlaps.length)
        return teamPage(
          reply,
          t.id,
          teamValues(
            t,
            n.map((x) => x.neighbour_id),
          ),
          {},
          200,
          { overlaps },
        );
      return reply.redirect(`/medewerker/beheer/teams/${t.id}?klaar=1`, 303);
    },
  );

  app.post<{ Params: { teamId: string; areaId: string } }>(
    '/medewerker/beheer/teams/:teamId/gebieden/:areaId/verwijderen',
    adminOnly,
    async (req, reply) => {
      const t = await team(idParam(req.params.teamId));
      const areaId = idParam(req.params.areaId);
      await db.transaction().execute(async (trx) => {
        const gone = await trx
          .deleteFrom('team_area')
          .where('id', '=', areaId)
          .where('team_id', '=', t.id)
          .returning(['postcode_from', 'postcode_to'])
          .executeTakeFirst();
        if (!gone) throw new DomainError('not_found', 'no such area');
        await audit(trx, {
          action: 'team_area_removed',
          actorStaffId: requireStaff(req).id,
          subjectType: 'team',
          subjectId: t.id,
          teamId: t.id,
          at: app.now(),
          detail: { from: gone.postcode_from, to: gone.postcode_to },
        });
      });
      return reply.redirect(`/medewerker/beheer/teams/${t.id}?klaar=1`, 303);
    },
  );

  await app.register(adminStaffRoutes);
}
