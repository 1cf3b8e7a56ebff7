// The demo's queue: call-back requests (one urgent) for team Centrum, and a sign-up from outside
// every area for the front office to route.
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

export async function insertWaitingRequests(trx: Kysely<Database>, now: Date, centrum: number): Promise<void> {
  const waiting = [
    {
      name: 'Henk Dekker',
      phone: '06 20000001',
      question: 'Ik moet morgen mijn huis uit. Wat nu?',
      urgent: true,
      teamId: centrum,
      hoursAgo: 2,
    },
    {
      name: 'Aylin Kaya',
      phone: '06 20000002',
      question: 'Liever eerst even bellen over mijn zoon.',
      urgent: false,
      teamId: centrum,
      hoursAgo: 26,
    },
    { name: 'Pieter Smit', phone: '06 20000003', question: 'Geldzorgen', urgent: false, teamId: null, hoursAgo: 5 },
  ];
  for (const w of waiting) {
    const at = new Date(now.getTime() - w.hoursAgo * 3600_000);
    const resident = await trx
      .insertInto('resident')
      .values({ name: w.name, phone: w.phone, postcode: w.teamId ? '6811AB' : '6900AA', city: 'Arnhem' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('request')
      .values({
        resident_id: resident.id,
        team_id: w.teamId,
        channel: 'online',
        question: w.question,
        status: w.teamId ? 'callback' : 'new',
        urgent_24h: w.urgent,
        safety_flag: w.urgent,
        consent_processing_at: at,
        submitted_at: at,
        assigned_at: w.teamId ? at : null,
        callback_requested_at: w.teamId ? at : null,
        idempotency_key: randomUUID(),
      })
      .execute();
  }
}
