// The demo's booked appointments: some of the slots (60 min + 30 min travel: 2 per 3-hour block)
// already taken, each by its own resident with a scheduled request.
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DateTime } from 'luxon';
import type { Database } from '../schema.js';
import { local } from '../../domain/time.js';
import { hashToken, newToken } from '../../domain/tokens.js';
import { firstNames, lastNames, questions } from './demo-data.js';
import type { Dice } from './random.js';

export interface SeededBlock {
  id: number;
  teamId: number;
  start: Date;
}

/** Books each of a block's two slots with a chance of `bookedShare`, in three statements per 500. */
export async function insertBookedAppointments(
  trx: Kysely<Database>,
  blocks: SeededBlock[],
  now: Date,
  bookedShare: number,
  dice: Dice,
): Promise<void> {
  // Drawn in the same order as one booking at a time, so the demo stays the same.
  const planned: {
    n: number;
    block: SeededBlock;
    start: DateTime;
    name: string;
    channel: Channel;
    question: string;
  }[] = [];
  for (const b of blocks) {
    for (const offset of [0, 90]) {
      if (dice.random() >= bookedShare) continue;
      const name = `${dice.pick(firstNames)} ${dice.pick(lastNames)}`;
      const channel = dice.pick(['online', 'online', 'online', 'referrer', 'phone'] as const);
      const question = dice.pick(questions);
      const start = local(b.start).plus({ minutes: offset });
      planned.push({ n: planned.length + 1, block: b, start, name, channel, question });
    }
  }
  for (let i = 0; i < planned.length; i += CHUNK) await insertChunk(trx, planned.slice(i, i + CHUNK), now);
}

type Channel = 'online' | 'referrer' | 'phone';
const CHUNK = 500;

async function insertChunk(
  trx: Kysely<Database>,
  part: { n: number; block: SeededBlock; start: DateTime; name: string; channel: Channel; question: string }[],
  now: Date,
): Promise<void> {
  const residents = await trx
    .insertInto('resident')
    .values(
      part.map(({ n, name }) => ({
        name,
        email: `bewoner${n}@example.nl`,
        phone: `06 ${String(10000000 + n).slice(0, 8)}`,
        postcode: '6811AB',
        house_number: String(1 + (n % 80)),
        street: 'Voorbeeldstraat',
        city: 'Arnhem',
      })),
    )
    .returning(['id', 'email'])
    .execute();
  const residentOf = new Map(residents.map((r) => [r.email, r.id]));
  const keys = part.map(() => randomUUID());
  const requests = await trx
    .insertInto('request')
    .values(
      part.map((p, j) => ({
        resident_id: residentOf.get(`bewoner${p.n}@example.nl`)!,
        team_id: p.block.teamId,
        channel: p.channel,
        question: p.question,
        status: 'scheduled' as const,
        consent_processing_at: now,
        scheduled_at: now,
        idempotency_key: keys[j]!,
      })),
    )
    .returning(['id', 'idempotency_key'])
    .execute();
  const requestOf = new Map(requests.map((r) => [r.idempotency_key, r.id]));
  await trx
    .insertInto('appointment')
    .values(
      part.map((p, j) => ({
        request_id: requestOf.get(keys[j]!)!,
        block_id: p.block.id,
        starts_at: p.start.toJSDate(),
        ends_at: p.start.plus({ minutes: 60 }).toJSDate(),
        manage_token_hash: hashToken(newToken()),
      })),
    )
    .execute();
}
