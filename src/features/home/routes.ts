import type { FastifyInstance } from 'fastify';

export default async function homeRoutes(app: FastifyInstance) {
  app.get('/', async (_req, reply) => reply.viewAsync('home/index'));
  app.get('/privacy', async (_req, reply) => reply.viewAsync('home/privacy'));
}
