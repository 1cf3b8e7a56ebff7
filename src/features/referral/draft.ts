// A referral in progress, kept in the draft table like the resident's sign-up (never in a
// cookie); the session holds only its id, under its own key, so a referrer who also signs up
// for themselves keeps two separate drafts. Drafts expire after a day. The schema is the
// draft's type and the check of what comes back from the database.
import { z } from 'zod';
import { draftBase, draftStore } from '../../core/drafts.js';
import { consentForms, kinds, places } from './schemas.js';

const text = z.string().optional();
const yes = z.boolean().optional();

export const referralDraftSchema = draftBase.extend({
  // About the referrer.
  kind: z.enum(kinds).optional(),
  schoolRole: text,
  organisation: text,
  referrerName: text,
  referrerPhone: text,
  referrerEmail: text,
  agbCode: text,
  // Consent.
  consent: z.enum(['yes', 'no']).optional(),
  consentForm: z.enum(consentForms).optional(),
  /** As typed (dd-mm-jjjj). */
  consentDate: text,
  feedback: yes,
  noConsentReason: text,
  // About the resident.
  name: text,
  phone: text,
  email: text,
  postcode: text,
  houseNumber: text,
  street: text,
  city: text,
  language: text,
  interpreter: yes,
  dateOfBirth: text,
  teamId: z.number().int().nullable().optional(),
  outOfArea: yes,
  // The question.
  question: text,
  done: text,
  dangerNow: yes,
  urgent24h: yes,
  // Next step.
  next: z.enum(['book', 'callback']).optional(),
  slot: text,
  place: z.enum(places).optional(),
  threeWay: yes,
  location: text,
});
export type ReferralDraft = z.infer<typeof referralDraftSchema>;

export const referralDrafts = draftStore<ReferralDraft>('referralDraft', referralDraftSchema);
export const loadReferralDraft = referralDrafts.load;
export const saveReferralDraft = referralDrafts.save;
export const markReferralStored = referralDrafts.markStored;
/** Without consent nothing is kept: the draft (with the referrer's details) is deleted. */
export const discardReferralDraft = referralDrafts.discard;
