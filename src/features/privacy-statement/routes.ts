// GET /privacy: the privacy statement, generated from the processing register (register.ts) with
// the live retention terms and the data protection officer (FG) from the configuration. Public.
import type { FastifyInstance } from 'fastify';
import { publicScope } from '../../plugins/access.js';
import { PROCESSING_REGISTER, STATEMENT_VERSION, retentionCount } from './register.js';
import { loadRetention } from '../../core/retention-settings.js';

/** The resident's rights (AVG art. 15–21 and 7 lid 3), in the order the statement names them. */
export const RIGHTS = Object.freeze(['access', 'rectify', 'erase', 'object', 'restrict', 'withdraw'] as const);

export default async function privacyStatementRoutes(app: FastifyInstance) {
  publicScope(app);
  app.get('/privacy', async (_req, reply) => {
    // The live terms: the municipality's settings over the defaults.
    const terms = await loadRetention(app.db);
    const activities = PROCESSING_REGISTER.map((a) => ({
      ...a,
      retention: a.retention.map((id) => ({ id, count: retentionCount(id, terms) })),
    }));
    return reply.viewAsync('privacy-statement/index', {
      activities,
      officer: app.config.privacyOfficer,
      rights: RIGHTS,
      version: STATEMENT_VERSION,
    });
  });
}
