// The demo's booked appointments: some of the slots (60 min + 30 min travel: 2 per 3-hour block)
// already taken, each by its own resident with a scheduled request.
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
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

/** Books each of a block's two slots with a chance of `bookedShare`. */
export async function insertBookedAppointments(
  trx: Kysely<Database>,
  blocks: SeededBlock[],
  now: Date,
  bookedShare: number,
  dice: Dice,
): Promise<void> {
  let n = 0;
  for (const b of blocks) {
    for (const offset of [0, 90]) {
      if (dice.random() >= bookedShare) continue;
      n += 1;
      const start = local(b.start).plus({ minutes: offset });
      const resident = await trx
        .insertInto('resident')
        .values({
          name: `${dice.pick(firstNames)} ${dice.pick(lastNames)}`,
          email: `bewoner${n}@example.nl`,
          phone: `06 ${String(10000000 + n).slice(0, 8)}`,
          postcode: '6811AB',
          house_number: String(1 + (n % 80)),
          street: 'Voorbeeldstraat',
          city: 'Arnhem',
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const request = await trx
        .insertInto('request')
        .values({
          resident_id: resident.id,
          team_id: b.teamId,
          channel: dice.pick(['online', 'online', 'online', 'referrer', 'phone'] as const),
          question: dice.pick(questions),
          status: 'scheduled',
          consent_processing_at: now,
          scheduled_at: now,
          idempotency_key: randomUUID(),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await trx
        .insertInto('appointment')
        .values({
          request_id: request.id,
          block_id: b.id,
          starts_at: start.toJSDate(),
          ends_at: start.plus({ minutes: 60 }).toJSDate(),
          manage_token_hash: hashToken(newToken()),
        })
        .execute();
    }
  }
}
