// A referral in progress, kept in the draft table like the resident's sign-up (never in a
// cookie); the session holds only its id, under its own key, so a referrer who also signs up
// for themselves keeps two separate drafts. Drafts expire after a day.
import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Kind, Place } from './schemas.js';

export interface ReferralDraft {
  /** Random idempotency key: a repeated submit finds the referral it already stored. */
  key: string;
  // About the referrer.
  kind?: Kind;
  schoolRole?: string;
  organisation?: string;
  referrerName?: string;
  referrerPhone?: string;
  referrerEmail?: string;
  agbCode?: string;
  // Consent.
  consent?: 'yes' | 'no';
  consentForm?: 'spoken' | 'written';
  /** As typed (dd-mm-jjjj). */
  consentDate?: string;
  feedback?: boolean;
  noConsentReason?: string;
  // About the resident.
  name?: string;
  phone?: string;
  email?: string;
  postcode?: string;
  houseNumber?: string;
  street?: string;
  city?: string;
  language?: string;
  interpreter?: boolean;
  dateOfBirth?: string;
  teamId?: number | null;
  outOfArea?: boolean;
  // The question.
  question?: string;
  done?: string;
  dangerNow?: boolean;
  urgent24h?: boolean;
  // Next step.
  next?: 'book' | 'callback';
  slot?: string;
  place?: Place;
  threeWay?: boolean;
  location?: string;
  bookedRequestId?: number;
}

const SESSION_KEY = 'referralDraft';
const TTL_HOURS = 24;

export async function loadReferralDraft(app: FastifyInstance, req: FastifyRequest): Promise<{ id: string; data: ReferralDraft } | null> {
  const id = req.session.get(SESSION_KEY);
  if (typeof id !== 'string') return null;
  const row = await app.db.selectFrom('draft').select(['id', 'data']).where('id', '=', id).where('expires_at', '>', app.now()).executeTakeFirst();
  return row ? { id: row.id, data: row.data as unknown as ReferralDraft } : null;
}

/** Merges `patch` into the current draft, starting a new one when there is none (or it was stored). */
export async function saveReferralDraft(app: FastifyInstance, req: FastifyRequest, patch: Partial<ReferralDraft>): Promise<ReferralDraft> {
  const current = await loadReferralDraft(app, req);
  const expires = new Date(app.now().getTime() + TTL_HOURS * 3600_000);
  if (current && !current.data.bookedRequestId) {
    const data = { ...current.data, ...patch };
    await app.db.updateTable('draft').set({ data: JSON.stringify(data), expires_at: expires }).where('id', '=', current.id).execute();
    return data;
  }
  const id = randomUUID();
  const data: ReferralDraft = { key: randomBytes(32).toString('hex'), ...patch };
  await app.db.insertInto('draft').values({ id, data: JSON.stringify(data), expires_at: expires }).execute();
  req.session.set(SESSION_KEY, id);
  return data;
}

/** After storing, the draft forgets everything typed and keeps its key for a repeated submit. */
export async function markReferralStored(app: FastifyInstance, req: FastifyRequest, requestId: number): Promise<void> {
  const current = await loadReferralDraft(app, req);
  if (!current) return;
  const data: ReferralDraft = { key: current.data.key, bookedRequestId: requestId };
  await app.db.updateTable('draft').set({ data: JSON.stringify(data) }).where('id', '=', current.id).execute();
}

/** Without consent nothing is kept: the draft (with the referrer's details) is deleted. */
export async function discardReferralDraft(app: FastifyInstance, req: FastifyRequest): Promise<void> {
  const id = req.session.get(SESSION_KEY);
  if (typeof id === 'string') await app.db.deleteFrom('draft').where('id', '=', id).execute();
  req.session.set(SESSION_KEY, undefined);
}
