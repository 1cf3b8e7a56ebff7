// Two answers for whoever runs the portal: /healthz says the process is alive (restart it when
// this fails); /readyz says it can serve (the database answers and its schema is current), so a
// load balancer or health check sends visitors only to a process that can help them.
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { publicScope } from '../../plugins/access.js';
import { pendingMigrations } from '../../db/migrate.js';
import { isDatabaseUnavailable } from '../../errors.js';
import { RETRY_AFTER_SECONDS } from '../../plugins/errors.js';

export default async function healthRoutes(app: FastifyInstance) {
  // Every page here is for residents, referrers and anyone else: no login.
  publicScope(app);

  // Alive: answers without touching the database, so a database outage never gets the process
  // restarted (that would not help, and would drop requests that are still being served).
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (req, reply) => {
    try {
      await sql`select 1`.execute(app.db);
      const pending = await pendingMigrations(app.db);
      if (pending.length > 0) {
        return reply
          .code(503)
          .header('retry-after', String(RETRY_AFTER_SECONDS))
          .send({ status: 'unavailable', database: 'ok', migrations: 'pending', pending });
      }
      return { status: 'ready', database: 'ok', migrations: 'current' };
    } catch (err) {
      if (!isDatabaseUnavailable(err)) req.log.error({ err }, 'readiness check failed');
      return reply
        .code(503)
        .header('retry-after', String(RETRY_AFTER_SECONDS))
        .send({ status: 'unavailable', database: 'unreachable' });
    }
  });
}
