// A sign-up in progress, kept in the database (never in a cookie: questions can be long and
// personal). The encrypted session cookie holds only the draft's id. Drafts expire after a day.
import { draftStore } from './drafts.js';
import type { AppointmentMode } from '../db/schema.js';

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

declare module '@fastify/secure-session' {
  interface SessionData {
    signupDraft: string;
    booked: { requestId: number; token: string | null; callback?: boolean; urgent?: boolean; teamId?: number | null };
    [key: string]: unknown;
  }
}

const store = draftStore<Draft>('signupDraft');
export const loadDraft = store.load;
export const saveDraft = store.save;
export const markDraftBooked = store.markStored;
export const discardDraft = store.discard;
