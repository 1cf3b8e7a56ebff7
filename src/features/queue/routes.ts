import type { FastifyInstance } from 'fastify';

export default async function queueRoutes(_app: FastifyInstance) {}
