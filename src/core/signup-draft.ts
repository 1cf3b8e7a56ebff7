// A sign-up in progress, kept in the database (never in a cookie: questions can be long and
// personal). The encrypted session cookie holds only the draft's id. Drafts expire after a day.
// The schema is the draft's type and the check of what comes back from the database.
import { z } from 'zod';
import { draftBase, draftStore } from './drafts.js';
import { abouts, modes } from './intake.js';
import { knownWhys } from '../domain/routing.js';

const id = z.number().int();

export const draftSchema = draftBase.extend({
  postcode: z.string().optional(),
  houseNumber: z.string().optional(),
  teamId: id.nullable().optional(),
  outOfArea: z.boolean().optional(),
  question: z.string().optional(),
  topics: z.array(z.string()).optional(),
  about: z.enum(abouts).optional(),
  dangerNow: z.boolean().optional(),
  urgent24h: z.boolean().optional(),
  slot: z.string().optional(),
  mode: z.enum(modes).optional(),
  /** The team whose calendar the slot came from (a neighbour when the own team is full). */
  slotTeamId: id.optional(),
  noCapacityLogged: z.boolean().optional(),
  name: z.string().optional(),
  email: z.string().optional(),
  phone: z.string().optional(),
  street: z.string().optional(),
  city: z.string().optional(),
  language: z.string().optional(),
  interpreter: z.boolean().optional(),
  dateOfBirth: z.string().optional(),
  companion: z.string().optional(),
  consent: z.boolean().optional(),
  /** The existing appointment whose manage link was mailed from the check page (once per draft). */
  existingMailed: id.optional(),
  /**
   * A returning resident (src/features/returning): set only by opening a one-time /opnieuw link,
   * never from form input. The known coach and their duo partner were found then; which of them
   * is offered is decided again at each step (absence, free time).
   */
  returningResidentId: id.optional(),
  knownCoachId: id.nullable().optional(),
  /** Why the resident knows that coach (domain/routing.ts knownWhys), for the page's wording. */
  knownWhy: z.enum(knownWhys).nullable().optional(),
  partnerCoachId: id.nullable().optional(),
  previousRequestId: id.nullable().optional(),
});
export type Draft = z.infer<typeof draftSchema>;

declare module '@fastify/secure-session' {
  interface SessionData {
    signupDraft: string;
    booked: { requestId: number; token: string | null; callback?: boolean; urgent?: boolean; teamId?: number | null };
    [key: string]: unknown;
  }
}

export const signupDrafts = draftStore<Draft>('signupDraft', draftSchema);
export const loadDraft = signupDrafts.load;
export const saveDraft = signupDrafts.save;
export const markDraftBooked = signupDrafts.markStored;
export const discardDraft = signupDrafts.discard;
