// A referral in progress, kept in the draft table like the resident's sign-up (never in a
// cookie); the session holds only its id, under its own key, so a referrer who also signs up
// for themselves keeps two separate drafts. Drafts expire after a day.
import { draftStore } from '../../core/drafts.js';
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

const store = draftStore<ReferralDraft>('referralDraft');
export const loadReferralDraft = store.load;
export const saveReferralDraft = store.save;
export const markReferralStored = store.markStored;
/** Without consent nothing is kept: the draft (with the referrer's details) is deleted. */
export const discardReferralDraft = store.discard;
