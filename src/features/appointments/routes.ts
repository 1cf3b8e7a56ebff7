import type { FastifyInstance } from 'fastify';

export default async function appointmentsRoutes(_app: FastifyInstance) {}
