import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { publicScope } from '../../plugins/access.js';

export default async function healthRoutes(app: FastifyInstance) {
  // Every page here is for residents, referrers and anyone else: no login.
  publicScope(app);
  app.get('/healthz', async (req, reply) => {
    try {
      await sql`select 1`.execute(app.db);
      return { status: 'ok', database: 'ok' };
    } catch (err) {
      req.log.error({ err }, 'health check: database unreachable');
      return reply.code(503).send({ status: 'error', database: 'unreachable' });
    }
  });
}
