// /medewerker/blokken/:blockId/partner: change the duo partner of a block (or give a solo block a
// partner). Its own coaches and the team lead may; other coaches of the team see it read-only. A
// partner who is absent then is a warning, not a refusal: the planner confirms with a tick.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CASE_ROLES } from '../../plugins/auth.js';
import { isKtError, ktError } from '../../errors.js';
import { teamCoaches } from '../../core/teams.js';
import { absentDuring } from './absent.js';
import { actorOf, loadBlock, mailContext, pick } from './context.js';
import { changePartner } from './partner.js';
import { parseId, type Errors, type Values } from './schemas.js';

const scoped = { config: { access: { roles: CASE_ROLES, teamScoped: true } } };
type Loaded = Awaited<ReturnType<typeof loadBlock>>;

export default function partnerRoutes(app: FastifyInstance) {
  app.get('/medewerker/blokken/:blockId/partner', scoped, async (req, reply) => {
    const b = await loadBlock(app, req);
    // A coach of a duo changes the other one by default.
    const other = b.block.coaches.length === 2 ? b.block.coaches.find((c) => c.id !== b.staff.id) : undefined;
    const leaving = b.block.coaches.some((c) => c.id === b.staff.id) && other ? String(other.id) : '';
    return page(app, reply, b, { leaving, partner: '' }, {});
  });

  app.post('/medewerker/blokken/:blockId/partner', scoped, async (req, reply) => postPartner(app, req, reply));
}

async function page(
  app: FastifyInstance,
  reply: FastifyReply,
  b: Loaded,
  values: Values,
  errors: Errors,
  status = 200,
  extra: Record<string, unknown> = {},
) {
  const inBlock = new Set(b.block.coaches.map((c) => c.id));
  const options = (await teamCoaches(app.db, b.block.team_id)).filter((c) => !inBlock.has(c.id));
  return reply.code(status).viewAsync('blocks/partner', {
    block: b.block,
    canChange: b.canChange,
    open: b.open,
    staff: b.staff,
    options,
    values,
    errors,
    conflict: null,
    absent: null,
    notice: null,
    ...extra,
  });
}

async function postPartner(app: FastifyInstance, req: FastifyRequest, reply: FastifyReply) {
  const b = await loadBlock(app, req);
  const values = pick(req.body as Record<string, unknown>, ['leaving', 'partner', 'confirmAbsent']);
  const errors: Errors = {};
  const duo = b.block.coaches.length === 2;
  const leavingId = duo ? parseId(values.leaving) : null;
  if (duo && !values.leaving) errors.leaving = 'blocks.errors.leavingEmpty';
  else if (duo && !b.block.coaches.some((c) => c.id === leavingId)) errors.leaving = 'blocks.errors.leavingInvalid';
  const partnerId = parseId(values.partner);
  const team = await teamCoaches(app.db, b.block.team_id);
  if (!values.partner) errors.partner = 'blocks.errors.partnerChoose';
  else if (!team.some((c) => c.id === partnerId) || b.block.coaches.some((c) => c.id === partnerId))
    errors.partner = 'blocks.errors.partnerInvalid';
  if (Object.keys(errors).length || partnerId === null) return page(app, reply, b, values, errors, 400);
  if (!b.canChange) throw ktError('KT_FORBIDDEN', 'not a coach of this block');
  if (!b.open) return page(app, reply, b, values, {}, 409);
  const period = [{ start: b.block.starts_at, end: b.block.ends_at }];
  const absent = values.confirmAbsent === 'yes' ? null : await absentDuring(app.db, [partnerId], period);
  if (absent) {
    const who = team.find((c) => c.id === partnerId)!.name;
    return page(app, reply, b, values, {}, 200, { absent: { ...absent, who } });
  }
  try {
    const change = { block: b.block, leavingId, partnerId };
    await changePartner(app.db, change, actorOf(b.staff), { mail: mailContext(app), now: app.now() });
  } catch (err) {
    if (isKtError(err, 'KT_BLOCK_CONFLICT'))
      return page(app, reply, b, values, {}, 409, { conflict: err.details.conflict ?? {} });
    if (isKtError(err, 'KT_BLOCKS_CHANGED')) return page(app, reply, b, values, {}, 409, { notice: 'absence.stale' });
    throw err;
  }
  app.mail.kick();
  return reply.redirect('/medewerker/blokken?klaar=partner', 303);
}
