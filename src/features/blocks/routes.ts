import type { FastifyInstance } from 'fastify';

export default async function blocksRoutes(_app: FastifyInstance) {}
