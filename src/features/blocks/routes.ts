// Duo blocks for coaches and team leads:
//   /medewerker/blokken                       upcoming blocks (a team lead: the team's)
//   /medewerker/blokken/nieuw                 plan a block or a weekly series
//   /medewerker/blokken/:blockId/wijzigen     change one block or the rest of its series
//   /medewerker/blokken/:blockId/partner      change the duo partner (partner-routes.ts)
//   /medewerker/blokken/:blockId/annuleren    cancel, deciding for every booked appointment
// Who may change a block: its own coaches and the team lead. Other coaches of the team see the
// pages read-only; a POST of theirs gets its input checked first (400), then 403.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { CASE_ROLES, requireStaff, type StaffSession } from '../../plugins/auth.js';
import { isKtError, ktError } from '../../errors.js';
import { local } from '../../domain/time.js';
import { teamCoaches } from '../../core/teams.js';
import { seriesFrom, upcomingBlocks, type BlockWithCoaches } from './repository.js';
import {
  checkNewBlock,
  checkScope,
  checkTimes,
  parseDate,
  type Errors,
  type NewBlockPlan,
  type Values,
} from './schemas.js';
import { absentDuring } from './absent.js';
import { changeBlocks, createBlocks, summarize } from './service.js';
import { cancelPage, postCancel } from './cancel-routes.js';
import { actorOf, loadBlock, mailContext, pick, teamFormContext } from './context.js';
import partnerRoutes from './partner-routes.js';

type Body = Record<string, unknown>;
const list = { config: { access: { roles: CASE_ROLES } } };
const scoped = { config: { access: { roles: CASE_ROLES, teamScoped: true } } };
const NEW_FIELDS = [
  'date',
  'start',
  'end',
  'coach',
  'partner',
  'solo',
  'slotMinutes',
  'bufferMinutes',
  'locationKind',
  'repeat',
  'until',
  'confirmAbsent',
];
const EDIT_FIELDS = ['scope', 'date', 'start', 'end', 'slotMinutes', 'bufferMinutes', 'locationKind'];

export default async function blocksRoutes(app: FastifyInstance) {
  listRoute(app);
  newBlockRoutes(app);
  editRoutes(app);
  partnerRoutes(app);
  app.get('/medewerker/blokken/:blockId/annuleren', scoped, async (req, reply) => cancelPage(app, req, reply));
  app.post('/medewerker/blokken/:blockId/annuleren', scoped, async (req, reply) => postCancel(app, req, reply));
}

/** /medewerker/blokken: the upcoming blocks, with what was just done. */
function listRoute(app: FastifyInstance) {
  app.get('/medewerker/blokken', list, async (req, reply) => {
    const staff = requireStaff(req);
    const blocks = await upcomingBlocks(app.db, staff.teamId!, app.now(), staff.role === 'teamlead' ? null : staff.id);
    const q = req.query as Record<string, string | undefined>;
    const done = ['aangemaakt', 'gewijzigd', 'geannuleerd', 'partner'].includes(q.klaar ?? '') ? q.klaar : null;
    const count = (v: string | undefined) => (v && /^\d{1,4}$/.test(v) ? Number(v) : 0);
    return reply.viewAsync('blocks/list', {
      blocks: await summarize(app.db, blocks),
      me: staff,
      done,
      doneParams: { count: count(q.n), moved: count(q.verzet), cancelled: count(q.afgezegd) },
    });
  });
}

/** /medewerker/blokken/nieuw: plan a block or a weekly series. */
function newBlockRoutes(app: FastifyInstance) {
  async function newPage(
    reply: FastifyReply,
    staff: StaffSession,
    values: Values,
    errors: Errors,
    status = 200,
    conflict: unknown = null,
    absent: unknown = null,
  ) {
    const coaches = await teamCoaches(app.db, staff.teamId!);
    const isTeamlead = staff.role === 'teamlead';
    return reply
      .code(status)
      .viewAsync('blocks/new', { values, errors, conflict, absent, coaches, isTeamlead, me: staff });
  }

  app.get('/medewerker/blokken/nieuw', list, async (req, reply) => {
    const staff = requireStaff(req);
    const values: Values = {
      date: '',
      start: '09:00',
      end: '12:00',
      coach: '',
      partner: '',
      solo: '',
      slotMinutes: '60',
      bufferMinutes: '30',
      locationKind: 'home',
      repeat: '',
      until: '',
    };
    return newPage(reply, staff, values, {});
  });

  app.post('/medewerker/blokken/nieuw', list, async (req, reply) => {
    const staff = requireStaff(req);
    const values = pick(req.body as Body, NEW_FIELDS);
    const { errors, plan } = checkNewBlock(values, await teamFormContext(app, staff));
    if (!plan) return newPage(reply, staff, values, errors, 400);
    const absent = await absentWarning(app, plan, values);
    if (absent) return newPage(reply, staff, values, {}, 200, null, absent);
    try {
      const ids = await createBlocks(app.db, plan, actorOf(staff), { mail: mailContext(app) });
      app.mail.kick();
      return reply.redirect(`/medewerker/blokken?klaar=aangemaakt&n=${ids.length}`, 303);
    } catch (err) {
      if (isKtError(err, 'KT_BLOCK_CONFLICT'))
        return newPage(reply, staff, values, {}, 409, err.details.conflict ?? {});
      throw err;
    }
  });
}

/** A coach of the planned blocks is absent then: a warning until the planner ticks the box. */
async function absentWarning(app: FastifyInstance, plan: NewBlockPlan, values: Values) {
  if (values.confirmAbsent === 'yes') return null;
  const absent = await absentDuring(app.db, plan.coachIds, plan.periods);
  if (!absent) return null;
  const who = await app.db.selectFrom('staff_user').select('name').where('id', '=', absent.staffId).executeTakeFirst();
  return { ...absent, who: who?.name ?? '' };
}

type LoadedBlock = { block: BlockWithCoaches; canChange: boolean; open: boolean };

/** /medewerker/blokken/:blockId/wijzigen: change one block or the rest of its series. */
function editRoutes(app: FastifyInstance) {
  async function editPage(
    reply: FastifyReply,
    b: LoadedBlock,
    values: Values,
    errors: Errors,
    status = 200,
    extra: Record<string, unknown> = {},
  ) {
    return reply.code(status).viewAsync('blocks/edit', {
      block: b.block,
      canChange: b.canChange,
      open: b.open,
      values,
      errors,
      conflict: null,
      outside: null,
      ...extra,
    });
  }

  app.get('/medewerker/blokken/:blockId/wijzigen', scoped, async (req, reply) => {
    const b = await loadBlock(app, req);
    const s = local(b.block.starts_at);
    const values: Values = {
      scope: '',
      date: s.toISODate()!,
      start: s.toFormat('HH:mm'),
      end: local(b.block.ends_at).toFormat('HH:mm'),
      slotMinutes: String(b.block.slot_minutes),
      bufferMinutes: String(b.block.buffer_minutes),
      locationKind: b.block.location_kind,
    };
    return editPage(reply, b, values, {});
  });

  app.post('/medewerker/blokken/:blockId/wijzigen', scoped, async (req, reply) => {
    const b = await loadBlock(app, req);
    const values = pick(req.body as Body, EDIT_FIELDS);
    const errors: Errors = {};
    const blockDate = local(b.block.starts_at).toISODate()!;
    const scope = checkScope(values, errors, b.block.series_id !== null);
    const times = checkTimes(values, errors, {
      now: app.now(),
      dateRequired: scope !== 'series',
      fallbackDate: blockDate,
    });
    if (scope === 'series' && values.date && parseDate(values.date) !== blockDate)
      errors.date = 'blocks.errors.dateSeries';
    if (Object.keys(errors).length || !times || !scope) return editPage(reply, b, values, errors, 400);
    if (!b.canChange) throw ktError('KT_FORBIDDEN', 'not a coach of this block');
    if (!b.open) return editPage(reply, b, values, {}, 409);
    const targets = scope === 'one' ? [b.block] : await seriesFrom(app.db, b.block);
    try {
      const n = await changeBlocks(app.db, targets, scope, times, actorOf(b.staff), { mail: mailContext(app) });
      app.mail.kick();
      return reply.redirect(`/medewerker/blokken?klaar=gewijzigd&n=${n}`, 303);
    } catch (err) {
      if (isKtError(err, 'KT_BLOCK_CONFLICT'))
        return editPage(reply, b, values, {}, 409, { conflict: err.details.conflict ?? {} });
      if (isKtError(err, 'KT_APPOINTMENTS_OUTSIDE'))
        return editPage(reply, b, values, {}, 409, { outside: err.details.appointments });
      if (isKtError(err, 'KT_TIME_GAP'))
        return editPage(reply, b, values, { start: 'blocks.errors.timeGapSeries' }, 400);
      throw err;
    }
  });
}
