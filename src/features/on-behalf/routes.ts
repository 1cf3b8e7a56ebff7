import type { FastifyInstance } from 'fastify';

export default async function onBehalfRoutes(_app: FastifyInstance) {}
