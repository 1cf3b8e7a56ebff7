import type { FastifyInstance } from 'fastify';

export default async function agendaRoutes(_app: FastifyInstance) {}
