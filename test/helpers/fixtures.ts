// Small factories for test data, written through the same repository code the app uses.
import { randomBytes, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database, Role } from '../../src/db/schema.js';
import { insertBlock, type NewBlock } from '../../src/features/blocks/repository.js';
import { hashToken } from '../../src/domain/tokens.js';

let counter = 0;
const next = () => ++counter;

/** When fixture requests were made: before the tests' clock (24 November), not the database's now(). */
export const SUBMITTED_AT = new Date('2026-11-20T08:00:00Z');

export async function makeTeam(
  db: Kysely<Database>,
  fields: Partial<{ slug: string; name: string; from: string; to: string; phone: string }> = {},
) {
  const n = next();
  const slug = fields.slug ?? `team-${n}-${randomBytes(3).toString('hex')}`;
  const team = await db
    .insertInto('team')
    .values({
      slug,
      name: fields.name ?? `Wijkteam ${n}`,
      phone: fields.phone ?? '026 000 0000',
      email: `${slug}@example.nl`,
      office_address: 'Wijkcentrum, Arnhem',
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  if (fields.from) {
    await db
      .insertInto('team_area')
      .values({ team_id: team.id, postcode_from: fields.from, postcode_to: fields.to ?? fields.from })
      .execute();
  }
  return team;
}

export async function makeStaff(
  db: Kysely<Database>,
  teamId: number | null,
  fields: Partial<{ name: string; role: Role; email: string; passwordHash: string }> = {},
) {
  const n = next();
  return db
    .insertInto('staff_user')
    .values({
      team_id: teamId,
      name: fields.name ?? `Coach ${n}`,
      email: fields.email ?? `coach${n}-${randomBytes(3).toString('hex')}@example.nl`,
      role: fields.role ?? 'coach',
      password_hash: fields.passwordHash ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function makeBlock(db: Kysely<Database>, b: NewBlock) {
  return insertBlock(db, b);
}

export async function makeRequest(db: Kysely<Database>, teamId: number | null) {
  const resident = await db
    .insertInto('resident')
    .values({ name: 'Test Bewoner', email: `bewoner${next()}@example.nl` })
    .returning('id')
    .executeTakeFirstOrThrow();
  return db
    .insertInto('request')
    .values({
      resident_id: resident.id,
      team_id: teamId,
      channel: 'online',
      question: 'Hulp',
      idempotency_key: randomUUID(),
      submitted_at: SUBMITTED_AT,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function newTokenHash(): string {
  return hashToken(randomBytes(16).toString('base64url'));
}
