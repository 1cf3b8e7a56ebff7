import type { FastifyInstance } from 'fastify';
import { publicScope } from '../../plugins/access.js';
import { accessibilityRoute } from './accessibility.js';

export default async function homeRoutes(app: FastifyInstance) {
  // Every page here is for residents, referrers and anyone else: no login.
  publicScope(app);
  app.get('/', async (_req, reply) => reply.viewAsync('home/index'));
  accessibilityRoute(app);
}
