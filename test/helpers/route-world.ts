// One team's records for every kind of id a staff URL can name, and a way to fill a route's
// URL pattern with them: the access matrix and the input tests walk the app's own route table.
import { DateTime } from 'luxon';
import type { FastifyInstance } from 'fastify';
import { makeBlock, makeRequest, makeTeam, newTokenHash } from './fixtures.js';
import { makeLogin } from './staff.js';

export type Ids = Record<string, number>;

const at = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/Amsterdam' }).toJSDate();

/** A team with two coaches, a block, a request with an appointment, an absence and an area. */
export async function teamWorld(app: FastifyInstance, label: string, postcodes: string): Promise<Ids> {
  const db = app.db;
  const team = await makeTeam(db, { name: `Wijkteam ${label}` });
  const a = await makeLogin(app, team.id, 'coach');
  const b = await makeLogin(app, team.id, 'coach');
  const blockId = await makeBlock(db, {
    teamId: team.id,
    start: at('2026-12-08T09:00'),
    end: at('2026-12-08T12:00'),
    coachIds: [a.id, b.id],
  });
  const request = await makeRequest(db, team.id);
  const appt = await db
    .insertInto('appointment')
    .values({
      request_id: request.id,
      block_id: blockId,
      starts_at: at('2026-12-08T09:00'),
      ends_at: at('2026-12-08T10:00'),
      manage_token_hash: newTokenHash(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const absence = await db
    .insertInto('absence')
    .values({ staff_id: a.id, starts_at: at('2026-12-20T00:00'), ends_at: at('2026-12-21T00:00'), kind: 'leave' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const area = await db
    .insertInto('team_area')
    .values({ team_id: team.id, postcode_from: `${postcodes}AA`, postcode_to: `${postcodes}ZZ` })
    .returning('id')
    .executeTakeFirstOrThrow();
  return {
    areaId: area.id,
    teamId: team.id,
    staffId: b.id,
    blockId,
    requestId: request.id,
    residentId: request.resident_id,
    appointmentId: appt.id,
    absenceId: absence.id,
    coachId: a.id,
  };
}

/** The route's URL with its parameters filled from `ids` (a token parameter gets a dummy token). */
export function fill(url: string, ids: Ids): string {
  return url.replace(/:(\w+)/g, (_m, name: string) => {
    if (name === 'token') return 'x'.repeat(43);
    // A rebooking link (core/rebook-link.ts): an appointment id and a 32-character check.
    if (name === 'ref') return `1.${'x'.repeat(32)}`;
    // A file format of the figures' exports.
    if (name === 'format') return 'csv';
    const v = ids[name];
    if (v === undefined)
      throw new Error(`No fixture for URL parameter :${name} in ${url}: add one to test/helpers/route-world.ts`);
    return String(v);
  });
}
