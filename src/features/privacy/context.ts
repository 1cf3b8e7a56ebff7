// What every route of the privacy desk shares: its access rule, the acting staff member, the
// person named in the URL, and a file download.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { idParam, ktError } from '../../errors.js';
import { requireStaff } from '../../plugins/auth.js';
import { dossier, type Actor } from './service.js';

export const desk = { config: { access: { roles: ['privacy'] as const } } };
export type PersonParams = { Params: { residentId: string } };

export const actorOf = (app: FastifyInstance, req: FastifyRequest): Actor => ({
  staffId: requireStaff(req).id,
  now: app.now(),
});

/** The person named in the URL with every row about them, or the "does not exist" page. */
export async function personOf(app: FastifyInstance, residentId: string) {
  const d = await dossier(app.db, idParam(residentId), app.config.questionKeys);
  if (!d) throw ktError('KT_NOT_FOUND', 'no such resident');
  return d;
}

export function download(reply: FastifyReply, name: string, body: string, type = 'application/json; charset=utf-8') {
  return reply.header('content-type', type).header('content-disposition', `attachment; filename="${name}"`).send(body);
}
