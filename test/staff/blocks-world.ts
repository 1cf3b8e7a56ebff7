// A team of four coaches and a team lead, blocks and booked appointments, for the block and
// absence tests. Every test builds its own team, so tests do not see each other's blocks.
import { randomBytes } from 'node:crypto';
import { DateTime } from 'luxon';
import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import { hashToken } from '../../src/domain/tokens.js';
import { makeBlock, makeRequest, makeTeam } from '../helpers/fixtures.js';
import { loggedIn, makeLogin } from '../helpers/staff.js';
import { renderOutbox } from '../helpers/outbox.js';

export const ZONE = 'Europe/Amsterdam';
export const at = (iso: string) => DateTime.fromISO(iso, { zone: ZONE }).toJSDate();
export const NOW = at('2026-11-24T10:00');
/** The question residents wrote: it must never appear in a mail. */
export const SECRET_QUESTION = 'Mijn geheime vraag over schulden';

/** HTML as Eta escapes it, to find a message in a page. */
export const html = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

export async function makeWorld(app: FastifyInstance) {
  const db = app.db;
  const team = await makeTeam(db);
  const fatima = await makeLogin(app, team.id, 'coach', 'Fatima El Amrani');
  const jeroen = await makeLogin(app, team.id, 'coach', 'Jeroen Bakker');
  const sanne = await makeLogin(app, team.id, 'coach', 'Sanne Visser');
  const mohamed = await makeLogin(app, team.id, 'coach', 'Mohamed Yilmaz');
  const lead = await makeLogin(app, team.id, 'teamlead', 'Ilse Dekker');
  return {
    team,
    fatima,
    jeroen,
    sanne,
    mohamed,
    lead,
    as: (u: { email: string }) => loggedIn(app, u.email),
    block: (coaches: { id: number }[], from: string, to: string) =>
      makeBlock(db, {
        teamId: team.id,
        start: at(from),
        end: at(to),
        coachIds: coaches.map((c) => c.id),
        solo: coaches.length === 1,
      }),
    /** A booked appointment of `minutes` from `start` in the block, with a known manage token. */
    async book(blockId: number, start: string, minutes = 60) {
      const request = await makeRequest(db, team.id);
      await db
        .updateTable('request')
        .set({ question: SECRET_QUESTION, status: 'scheduled' })
        .where('id', '=', request.id)
        .execute();
      const token = randomBytes(24).toString('base64url');
      const s = DateTime.fromISO(start, { zone: ZONE });
      const { id } = await db
        .insertInto('appointment')
        .values({
          request_id: request.id,
          block_id: blockId,
          starts_at: s.toJSDate(),
          ends_at: s.plus({ minutes }).toJSDate(),
          manage_token_hash: hashToken(token),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const resident = await db
        .selectFrom('resident')
        .select(['email', 'name'])
        .where('id', '=', request.resident_id)
        .executeTakeFirstOrThrow();
      return { id, token, email: resident.email!, requestId: request.id };
    },
    blocks: () =>
      db.selectFrom('block').selectAll().where('team_id', '=', team.id).orderBy('starts_at').orderBy('id').execute(),
    coachRows: (blockId: number) =>
      db
        .selectFrom('block_coach')
        .select(['coach_id', 'active', sql<Date>`lower(period)`.as('from'), sql<Date>`upper(period)`.as('to')])
        .where('block_id', '=', blockId)
        .orderBy('coach_id')
        .execute(),
  };
}

export type World = Awaited<ReturnType<typeof makeWorld>>;

export async function mailsTo(app: FastifyInstance, email: string) {
  await renderOutbox(app);
  return app.db
    .selectFrom('outbox_message')
    .select(['subject', 'body_text', 'ics'])
    .where('to_address', '=', email)
    .orderBy('id')
    .execute();
}

/** Every block's coach rows have the block's own period. */
export async function periodsInStep(app: FastifyInstance, teamId: number): Promise<number> {
  const r = await sql<{ n: number }>`
    select count(*)::int as n from block_coach bc join block b on b.id = bc.block_id
    where b.team_id = ${teamId} and (lower(bc.period) <> b.starts_at or upper(bc.period) <> b.ends_at)`.execute(app.db);
  return r.rows[0]!.n;
}

/**
 * Opens a staff page and posts its form (to the page's own URL). The page also holds the
 * logout form in its menu, so the action is always given.
 */
export function send(
  c: {
    submit(
      pageUrl: string,
      fields: Record<string, string>,
      action?: string,
    ): Promise<import('fastify').LightMyRequestResponse>;
  },
  url: string,
  fields: Record<string, string>,
) {
  return c.submit(url, fields, url.replace(/\?.*$/, ''));
}
