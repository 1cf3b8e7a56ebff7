// Administration: teams with their settings, postcode areas and neighbours; staff accounts in
// staff-routes.ts. Admins manage configuration; they read no case content. Every write and its
// audit row are one transaction.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Team } from '../../db/schema.js';
import { idParam, ktError } from '../../errors.js';
import { requireStaff } from '../../plugins/auth.js';
import { fieldErrors } from '../../core/forms.js';
import { listField, textField, type PostedForm } from '../../core/posted-form.js';
import { adminOnly } from './access.js';
import { areasOfTeam, neighbourIds, teamById, teamNames, teamsWithAreas } from './repository.js';
import { areaSchema, teamSchema } from './schemas.js';
import { addArea, removeArea, saveTeam } from './team-service.js';
import adminStaffRoutes from './staff-routes.js';

const teamForm = { config: { ...adminOnly.config, lists: ['neighbours'] } };
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

type Values = Record<string, string | string[]>;
type TeamParams = { Params: { teamId: string } };

/** What a new team's form starts with. */
const newTeamValues: Values = {
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
};

const teamValues = (t: Team, neighbours: number[]): Values => ({
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

export default async function adminRoutes(app: FastifyInstance) {
  app.get('/medewerker/beheer', adminOnly, async (_req, reply) =>
    reply.viewAsync('admin/index', { teams: await teamsWithAreas(app.db) }),
  );
  teamRoutes(app);
  areaRoutes(app);
  await app.register(adminStaffRoutes);
}

/** The team named in the URL, or the "page does not exist" page. */
async function teamOf(app: FastifyInstance, teamId: string): Promise<Team> {
  const row = await teamById(app.db, idParam(teamId));
  if (!row) throw ktError('KT_NOT_FOUND', 'no such team');
  return row;
}

/** The team page: its settings form, neighbours and postcode areas (none yet for a new team). */
async function teamPage(
  reply: FastifyReply,
  teamId: number | null,
  values: Values,
  errors: Record<string, string>,
  status = 200,
  extra: Record<string, unknown> = {},
) {
  const db = reply.server.db;
  const all = await teamNames(db);
  const areas = teamId ? await areasOfTeam(db, teamId) : [];
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

/** The team page of a stored team, its form filled from the database. */
async function storedTeamPage(reply: FastifyReply, t: Team, status: number, extra: Record<string, unknown>) {
  return teamPage(reply, t.id, teamValues(t, await neighbourIds(reply.server.db, t.id)), {}, status, extra);
}

/** A new team, and a team's settings and neighbours. */
function teamRoutes(app: FastifyInstance) {
  app.get('/medewerker/beheer/teams/nieuw', adminOnly, async (_req, reply) => teamPage(reply, null, newTeamValues, {}));
  app.get<TeamParams>('/medewerker/beheer/teams/:teamId', adminOnly, async (req, reply) => {
    const t = await teamOf(app, req.params.teamId);
    return storedTeamPage(reply, t, 200, { saved: (req.query as Record<string, string>).klaar === '1' });
  });
  app.post('/medewerker/beheer/teams/nieuw', teamForm, async (req, reply) => postTeam(req, reply, null));
  app.post<TeamParams>('/medewerker/beheer/teams/:teamId', teamForm, async (req, reply) => {
    const t = await teamOf(app, req.params.teamId);
    return postTeam(req, reply, t.id);
  });
}

/** A posted team form: saved, or the form again with the messages. */
async function postTeam(req: FastifyRequest, reply: FastifyReply, teamId: number | null) {
  const body = req.body as PostedForm;
  const values: Values = Object.fromEntries(teamFields.map((f) => [f, textField(body, f)]));
  values.neighbours = listField(body, 'neighbours');
  const parsed = teamSchema.safeParse(values);
  if (!parsed.success) return teamPage(reply, teamId, values, fieldErrors(parsed.error), 400);
  const v = parsed.data;
  const neighbours = (values.neighbours as string[])
    .filter((x) => /^\d+$/.test(x))
    .map(Number)
    .filter((x) => x !== teamId);
  const settings = {
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
  const actor = { staffId: requireStaff(req).id, now: req.server.now() };
  const saved = await saveTeam(req.server.db, teamId, settings, neighbours, actor);
  if (!saved.ok) return teamPage(reply, teamId, values, saved.errors, 400);
  return reply.redirect(`/medewerker/beheer/teams/${saved.id}?klaar=1`, 303);
}

/** Postcode areas, added and removed on the team page. */
function areaRoutes(app: FastifyInstance) {
  app.post<TeamParams>('/medewerker/beheer/teams/:teamId/gebieden', adminOnly, async (req, reply) => {
    const t = await teamOf(app, req.params.teamId);
    const body = req.body as PostedForm;
    const areaValues = { from: textField(body, 'from'), to: textField(body, 'to') };
    const parsed = areaSchema.safeParse(areaValues);
    if (!parsed.success) return storedTeamPage(reply, t, 400, { areaValues, areaErrors: fieldErrors(parsed.error) });
    const overlaps = await addArea(app.db, t.id, parsed.data, { staffId: requireStaff(req).id, now: app.now() });
    if (overlaps.length) return storedTeamPage(reply, t, 200, { overlaps });
    return reply.redirect(`/medewerker/beheer/teams/${t.id}?klaar=1`, 303);
  });

  app.post<{ Params: { teamId: string; areaId: string } }>(
    '/medewerker/beheer/teams/:teamId/gebieden/:areaId/verwijderen',
    adminOnly,
    async (req, reply) => {
      const t = await teamOf(app, req.params.teamId);
      const areaId = idParam(req.params.areaId);
      await removeArea(app.db, t.id, areaId, { staffId: requireStaff(req).id, now: app.now() });
      return reply.redirect(`/medewerker/beheer/teams/${t.id}?klaar=1`, 303);
    },
  );
}
