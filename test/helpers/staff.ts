// Staff accounts with real argon2id hashes, and a logged-in Client.
import { hash } from '@node-rs/argon2';
import type { FastifyInstance } from 'fastify';
import type { Role } from '../../src/db/schema.js';
import { Client } from './app.js';
import { makeStaff } from './fixtures.js';

export const PASSWORD = 'correct horse battery staple';
let cached: Promise<string> | null = null;
export const passwordHash = () => (cached ??= hash(PASSWORD));

export async function makeLogin(app: FastifyInstance, teamId: number | null, role: Role, name?: string) {
  return makeStaff(app.db, teamId, { role, passwordHash: await passwordHash(), ...(name ? { name } : {}) });
}

export async function loggedIn(app: FastifyInstance, email: string, password = PASSWORD): Promise<Client> {
  const c = new Client(app);
  const res = await c.submit('/medewerker/inloggen', { email, password });
  if (res.statusCode !== 303) throw new Error(`login failed for ${email}: ${res.statusCode}`);
  return c;
}
