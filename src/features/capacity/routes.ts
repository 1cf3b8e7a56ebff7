import type { FastifyInstance } from 'fastify';

export default async function capacityRoutes(_app: FastifyInstance) {}
