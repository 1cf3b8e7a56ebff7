// SQL for the queues: call-back requests, sign-ups without an appointment, and sign-ups that
// no team has yet. Every function takes the executor first.
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';
import { requestHeadColumns, requestsInContext } from '../../core/appointment-query.js';

type Db = Kysely<Database> | Transaction<Database>;

/** At most this many rows per list; a longer queue is a problem the page says out loud. */
export const LIST_LIMIT = 200;

function base(db: Db) {
  return requestsInContext(db)
    .leftJoin('staff_user as caller', 'caller.id', 'request.callback_by')
    .select([
      ...requestHeadColumns,
      'request.channel',
      'request.status',
      'request.first_contact_at',
      'request.callback_note',
      'caller.name as caller_name',
      'resident.name',
      'resident.phone',
      'resident.email',
      'resident.postcode',
    ]);
}

export type QueueRow = Awaited<ReturnType<ReturnType<typeof base>['execute']>>[number];

/** Call-back requests of a team (or of all teams: null), not yet or already called back. */
export async function callbacks(db: Db, teamId: number | null, handled: boolean): Promise<QueueRow[]> {
  let q = base(db).where('request.status', '=', 'callback').where('request.team_id', 'is not', null);
  if (teamId !== null) q = q.where('request.team_id', '=', teamId);
  q = handled ? q.where('request.first_contact_at', 'is not', null) : q.where('request.first_contact_at', 'is', null);
  return q
    .orderBy('request.urgent_24h', 'desc')
    .orderBy('request.submitted_at', 'asc')
    .orderBy('request.id')
    .limit(LIST_LIMIT)
    .execute();
}

/** Sign-ups of a team (or all teams) that have no appointment yet and are not call-backs. */
export async function openSignups(db: Db, teamId: number | null): Promise<QueueRow[]> {
  let q = base(db).where('request.status', '=', 'new').where('request.team_id', 'is not', null);
  if (teamId !== null) q = q.where('request.team_id', '=', teamId);
  return q.orderBy('request.submitted_at', 'asc').orderBy('request.id').limit(LIST_LIMIT).execute();
}

/** Open sign-ups without a team (outside every area): front office and team leads assign them. */
export async function unassigned(db: Db): Promise<QueueRow[]> {
  return base(db)
    .where('request.team_id', 'is', null)
    .where('request.status', 'in', ['new', 'callback'])
    .orderBy('request.urgent_24h', 'desc')
    .orderBy('request.submitted_at', 'asc')
    .orderBy('request.id')
    .limit(LIST_LIMIT)
    .execute();
}

export async function requestState(db: Db, id: number) {
  return (
    (await db
      .selectFrom('request')
      .select(['id', 'team_id', 'status', 'first_contact_at', 'urgent_24h'])
      .where('id', '=', id)
      .executeTakeFirst()) ?? null
  );
}

export async function teams(db: Db) {
  return db.selectFrom('team').select(['id', 'name', 'email']).orderBy('name').execute();
}

/** Sets the team of a request that has none; 0 when another user was first. */
export async function setTeam(trx: Transaction<Database>, id: number, teamId: number, now: Date): Promise<number> {
  const r = await trx
    .updateTable('request')
    .set({ team_id: teamId, assigned_at: now })
    .where('id', '=', id)
    .where('team_id', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** Records the call-back; 0 when it was already recorded (or is no longer a call-back). */
export async function setCalledBack(
  trx: Transaction<Database>,
  id: number,
  staffId: number,
  note: string,
  now: Date,
): Promise<number> {
  const r = await trx
    .updateTable('request')
    .set((eb) => ({
      first_contact_at: now,
      callback_done_at: now,
      callback_requested_at: eb.fn.coalesce('callback_requested_at', 'submitted_at'),
      callback_note: note,
      callback_by: staffId,
    }))
    .where('id', '=', id)
    .where('status', '=', 'callback')
    .where('first_contact_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}
