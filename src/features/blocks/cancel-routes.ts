// /medewerker/blokken/:blockId/annuleren: cancel one block or the rest of its series. For every
// booked appointment the page proposes a free slot of another duo (shown, and posted back as a
// hidden field) and asks: move there, or cancel with a mail to the resident.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isKtError, ktError } from '../../errors.js';
import { proposeMoves, readDecisions } from './rehome.js';
import { bookedIn, seriesFrom, type BlockWithCoaches } from './repository.js';
import { checkScope, type Errors, type Scope, type Values } from './schemas.js';
import { cancelBlocks } from './cancel.js';
import { actorOf, loadBlock, mailContext } from './context.js';
import { auditCasesListed } from '../../core/audit.js';

type Loaded = Awaited<ReturnType<typeof loadBlock>>;

async function targetsOf(
  app: FastifyInstance,
  block: BlockWithCoaches,
  scope: Scope | null,
): Promise<BlockWithCoaches[]> {
  if (scope !== 'series') return block.status === 'active' ? [block] : [];
  return seriesFrom(app.db, block);
}

async function render(
  app: FastifyInstance,
  reply: FastifyReply,
  b: Loaded,
  scope: Scope | null,
  values: Values,
  errors: Errors,
  status = 200,
  notice: string | null = null,
) {
  const targets = await targetsOf(app, b.block, scope);
  const ids = targets.map((x) => x.id);
  const appointments = await bookedIn(app.db, ids);
  const proposals = await proposeMoves(app.db, b.block.team_id, appointments, { exclude: ids, now: app.now() });
  // With a scope the page names each resident with their e-mail or phone (NEN 7513).
  if (scope) {
    const subjects = appointments.map((a) => ({ type: 'appointment' as const, id: a.id, teamId: b.block.team_id }));
    await auditCasesListed(app.db, { actorStaffId: b.staff.id, subjects, page: 'block-cancel', at: app.now() });
  }
  return reply.code(status).viewAsync('blocks/cancel', {
    block: b.block,
    canChange: b.canChange,
    open: b.open,
    scope,
    targets,
    values,
    errors,
    notice,
    appointments: appointments.map((a) => ({
      ...a,
      proposal: proposals.get(a.id) ?? null,
      blockStart: targets.find((x) => x.id === a.block_id)!.starts_at,
    })),
  });
}

export async function cancelPage(app: FastifyInstance, req: FastifyRequest, reply: FastifyReply) {
  const b = await loadBlock(app, req);
  const q = req.query as Record<string, string | undefined>;
  const scope: Scope | null =
    b.block.series_id === null ? 'one' : q.scope === 'one' || q.scope === 'series' ? q.scope : null;
  return render(app, reply, b, scope, { scope: scope ?? '' }, {});
}

export async function postCancel(app: FastifyInstance, req: FastifyRequest, reply: FastifyReply) {
  const b = await loadBlock(app, req);
  const body = req.body as Record<string, unknown>;
  const errors: Errors = {};
  const scope = checkScope(
    { scope: typeof body.scope === 'string' ? body.scope : '' },
    errors,
    b.block.series_id !== null,
  );
  const values: Values = { scope: scope ?? '' };
  for (const [k, v] of Object.entries(body))
    if (/^(choice|target)_\d+$/.test(k) && typeof v === 'string') values[k] = v;
  if (!scope) return render(app, reply, b, null, values, errors, 400);
  const targets = await targetsOf(app, b.block, scope);
  const appointments = await bookedIn(
    app.db,
    targets.map((x) => x.id),
  );
  const read = readDecisions(
    body,
    appointments.map((a) => a.id),
  );
  if (Object.keys(read.errors).length) return render(app, reply, b, scope, values, read.errors, 400);
  if (!b.canChange) throw ktError('KT_FORBIDDEN', 'not a coach of this block');
  if (!b.open || targets.length === 0) return render(app, reply, b, scope, values, {}, 409);
  try {
    const r = await cancelBlocks(app.db, targets, read.decisions, actorOf(b.staff), {
      mail: mailContext(app),
      now: app.now(),
    });
    app.mail.kick();
    return reply.redirect(
      `/medewerker/blokken?klaar=geannuleerd&n=${targets.length}&verzet=${r.moved}&afgezegd=${r.cancelled}`,
      303,
    );
  } catch (err) {
    if (isKtError(err, 'KT_BLOCKS_CHANGED'))
      return render(app, reply, b, scope, values, {}, 409, 'blocks.cancel.stale');
    if (!isKtError(err, 'KT_REHOME_TAKEN')) throw err;
    // The proposed slot was just taken: show a new proposal for that appointment.
    const { appointmentId } = err.details;
    const key = `choice_${appointmentId}`;
    delete values[`target_${appointmentId}`];
    return render(app, reply, b, scope, values, { [key]: 'blocks.errors.targetTaken' }, 409);
  }
}
