import type { FastifyInstance } from 'fastify';

export default async function absenceRoutes(_app: FastifyInstance) {}
