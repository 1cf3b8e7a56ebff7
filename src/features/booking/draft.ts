// A sign-up in progress, kept in the database (never in a cookie: questions can be long and
// personal). The encrypted session cookie holds only the draft's id. Drafts expire after a day.
import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppointmentMode } from '../../db/schema.js';

export interface Draft {
  /** Random idempotency key of this sign-up: a resubmit finds the booking it made. */
  key: string;
  postcode?: string;
  houseNumber?: string;
  teamId?: number | null;
  outOfArea?: boolean;
  question?: string;
  topics?: string[];
  about?: 'self' | 'child' | 'partner' | 'parent' | 'other';
  dangerNow?: boolean;
  urgent24h?: boolean;
  slot?: string;
  mode?: AppointmentMode;
  /** The team whose calendar the slot came from (a neighbour when the own team is full). */
  slotTeamId?: number;
  noCapacityLogged?: boolean;
  /** Set once the sign-up is stored; the draft then keeps only its key until it expires. */
  bookedRequestId?: number;
  name?: string;
  email?: string;
  phone?: string;
  street?: string;
  city?: string;
  language?: string;
  interpreter?: boolean;
  dateOfBirth?: string;
  companion?: string;
  consent?: boolean;
  /**
   * A returning resident (src/features/returning): set only by opening a one-time /opnieuw link,
   * never from form input. The known coach and their duo partner were found then; which of them
   * is offered is decided again at each step (absence, free time).
   */
  returningResidentId?: number;
  knownCoachId?: number | null;
  partnerCoachId?: number | null;
  previousRequestId?: number | null;
}

const SESSION_KEY = 'signupDraft';
const TTL_HOURS = 24;

declare module '@fastify/secure-session' {
  interface SessionData {
    signupDraft: string;
    booked: { requestId: number; token: string | null; callback?: boolean; urgent?: boolean; teamId?: number | null };
    [key: string]: unknown;
  }
}

export async function loadDraft(app: FastifyInstance, req: FastifyRequest): Promise<{ id: string; data: Draft } | null> {
  const id = req.session.get(SESSION_KEY);
  if (typeof id !== 'string') return null;
  const row = await app.db.selectFrom('draft').select(['id', 'data']).where('id', '=', id).where('expires_at', '>', app.now()).executeTakeFirst();
  return row ? { id: row.id, data: row.data as unknown as Draft } : null;
}

/** Merges `patch` into the current draft, starting a new one when there is none. */
export async function saveDraft(app: FastifyInstance, req: FastifyRequest, patch: Partial<Draft>): Promise<Draft> {
  const current = await loadDraft(app, req);
  const expires = new Date(app.now().getTime() + TTL_HOURS * 3600_000);
  if (current && !current.data.bookedRequestId) {
    const data = { ...current.data, ...patch };
    await app.db.updateTable('draft').set({ data: JSON.stringify(data), expires_at: expires }).where('id', '=', current.id).execute();
    return data;
  }
  const id = randomUUID();
  const data: Draft = { key: randomBytes(32).toString('hex'), ...patch };
  await app.db.insertInto('draft').values({ id, data: JSON.stringify(data), expires_at: expires }).execute();
  req.session.set(SESSION_KEY, id);
  return data;
}

/**
 * After booking, the draft forgets everything typed but keeps its key, so a second submit of
 * the same form (a double click whose request left with the old cookie) finds the booking it
 * already made instead of an empty start page.
 */
export async function markDraftBooked(app: FastifyInstance, req: FastifyRequest, requestId: number): Promise<void> {
  const current = await loadDraft(app, req);
  if (!current) return;
  const data: Draft = { key: current.data.key, bookedRequestId: requestId };
  await app.db.updateTable('draft').set({ data: JSON.stringify(data) }).where('id', '=', current.id).execute();
}

export async function discardDraft(app: FastifyInstance, req: FastifyRequest): Promise<void> {
  const id = req.session.get(SESSION_KEY);
  if (typeof id === 'string') await app.db.deleteFrom('draft').where('id', '=', id).execute();
  req.session.set(SESSION_KEY, undefined);
}

export async function purgeExpiredDrafts(app: FastifyInstance): Promise<void> {
  await app.db.deleteFrom('draft').where('expires_at', '<=', app.now()).execute();
}
