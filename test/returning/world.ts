// Shared set-up for the returning-resident tests: a team with coaches, a resident who was
// helped before (a closed request led by Fatima, a held conversation with Fatima and Jeroen),
// and helpers to ask for the one-time link and walk the new sign-up through app.inject().
import { expect } from 'vitest';
import { DateTime } from 'luxon';
import type { FastifyInstance } from 'fastify';
import { Client } from '../helpers/app.js';
import { makeBlock, makeStaff, makeTeam, newTokenHash } from '../helpers/fixtures.js';
import { renderOutbox } from '../helpers/outbox.js';

export const at = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/Amsterdam' }).toJSDate();
export const NOW = at('2026-11-24T10:00');
export const OLD_QUESTION = 'Ik kom niet rond met mijn geld';
export const NEW_QUESTION = 'Mijn zoon wil niet meer naar school';

export interface Known {
  teamId: number;
  teamEmail: string;
  fatima: { id: number; email: string };
  jeroen: { id: number; email: string };
  sanne: { id: number; email: string };
  karim: { id: number; email: string };
  lotte: { id: number; email: string };
  residentId: number;
  oldRequestId: number;
  email: string;
  postcode: string;
}

let n = 0;

/**
 * A team with its own postcode (68n1AB) and five coaches, and a resident who was helped before:
 * held conversation on 15 September with Fatima & Jeroen, request closed on 1 October, Fatima
 * holds the lead. No blocks ahead: each test adds the ones it needs.
 */
export async function knownResident(
  app: FastifyInstance,
  o: { requestLead?: boolean; residentLead?: boolean; closed?: boolean } = {},
): Promise<Known> {
  n += 1;
  const digit = String(n % 10);
  const postcode = `7${digit}1${digit}AB`;
  const team = await makeTeam(app.db, {
    name: `Wijkteam ${n}`,
    from: `7${digit}1${digit}AA`,
    to: `7${digit}1${digit}ZZ`,
    phone: '026 377 0000',
  });
  const coach = async (name: string) => {
    const s = await makeStaff(app.db, team.id, {
      name,
      email: `${name.split(' ')[0]!.toLowerCase()}-${team.id}@example.nl`,
    });
    return { id: s.id, email: s.email };
  };
  const fatima = await coach('Fatima El Amrani');
  const jeroen = await coach('Jeroen Bakker');
  const sanne = await coach('Sanne Visser');
  const karim = await coach('Karim Haddou');
  const lotte = await coach('Lotte de Boer');
  const email = `anna${n}@example.nl`;
  const resident = await app.db
    .insertInto('resident')
    .values({
      name: 'Anna de Vries',
      email,
      phone: '06 12345678',
      postcode,
      house_number: '12a',
      street: 'Steenstraat',
      city: 'Arnhem',
      date_of_birth: '1984-05-17',
      language: 'nl',
      lead_coach_id: o.residentLead === false ? null : fatima.id,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const closed = o.closed !== false;
  const request = await app.db
    .insertInto('request')
    .values({
      resident_id: resident.id,
      team_id: team.id,
      channel: 'online',
      question: OLD_QUESTION,
      status: closed ? 'closed' : 'held',
      submitted_at: at('2026-09-01T09:00'),
      closed_at: closed ? at('2026-10-01T15:00') : null,
      lead_coach_id: o.requestLead === false ? null : fatima.id,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const past = await makeBlock(app.db, {
    teamId: team.id,
    start: at('2026-09-15T09:00'),
    end: at('2026-09-15T12:00'),
    coachIds: [fatima.id, jeroen.id],
  });
  await app.db
    .insertInto('appointment')
    .values({
      request_id: request.id,
      block_id: past,
      starts_at: at('2026-09-15T09:00'),
      ends_at: at('2026-09-15T10:00'),
      manage_token_hash: newTokenHash(),
      status: 'held',
      outcome: 'held',
      result: 'plan_made',
    })
    .execute();
  return {
    teamId: team.id,
    teamEmail: team.email,
    fatima,
    jeroen,
    sanne,
    karim,
    lotte,
    residentId: resident.id,
    oldRequestId: request.id,
    email,
    postcode,
  };
}

/** A duo block on a December day (09:00–12:00: slots at 09:00 and 10:30). */
export async function block(app: FastifyInstance, teamId: number, day: string, coachIds: number[]): Promise<number> {
  return makeBlock(app.db, { teamId, start: at(`${day}T09:00`), end: at(`${day}T12:00`), coachIds });
}

export const slot = (blockId: number, day: string, time: string) => `${blockId}_${at(`${day}T${time}`).toISOString()}`;

/** The newest one-time link mailed to `to`. */
export async function linkFor(app: FastifyInstance, to: string): Promise<string> {
  const mail = await app.db
    .selectFrom('outbox_message')
    .select('body_text')
    .where('to_address', '=', to)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirstOrThrow();
  const m = /\/opnieuw\/([A-Za-z0-9_-]{43})/.exec(mail.body_text!);
  if (!m) throw new Error(`no link in the mail to ${to}: ${mail.body_text}`);
  return m[1]!;
}

/** Asks for a link and opens it: the client then has a returning draft, on /aanmelden/vraag. */
export async function comeBack(app: FastifyInstance, k: Known): Promise<Client> {
  const c = new Client(app);
  let res = await c.submit('/opnieuw', { email: k.email, postcode: k.postcode });
  expect(res.statusCode).toBe(303);
  const token = await linkFor(app, k.email);
  res = await c.submit(`/opnieuw/${token}`, {});
  expect(res.statusCode, res.body.slice(0, 500)).toBe(303);
  expect(res.headers.location).toBe('/aanmelden/vraag');
  return c;
}

/** The times the moment step offers, as "yyyy-mm-dd HH:mm" in Amsterdam. */
export function offeredTimes(html: string): string[] {
  const out: string[] = [];
  for (const m of html.matchAll(/name="slot" id="[^"]*" value="\d+_([^"]+)"/g)) {
    out.push(DateTime.fromISO(m[1]!, { zone: 'Europe/Amsterdam' }).toFormat('yyyy-MM-dd HH:mm'));
  }
  return [...new Set(out)].sort();
}

export async function mailsTo(app: FastifyInstance, to: string) {
  await renderOutbox(app);
  return app.db
    .selectFrom('outbox_message')
    .select(['subject', 'body_text'])
    .where('to_address', '=', to)
    .orderBy('id')
    .execute();
}
