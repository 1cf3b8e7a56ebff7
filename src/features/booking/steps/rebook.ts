// The link in the "cancelled" mail (core/rebook-link.ts): a new sign-up that starts with the
// cancelled appointment's question and details filled in. The page asks first (a button, so a
// mail scanner that opens the link stores nothing); the post starts a new draft and goes to the
// question, where the safety questions are asked again. Nothing of the old appointment is shown
// before that: the question and details appear only in the forms of the resident's own session.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DateTime } from 'luxon';
import type { About } from '../../../db/schema.js';
import { rebookAppointmentId } from '../../../core/rebook-link.js';
import { discardDraft, saveDraft } from '../../../core/signup-draft.js';
import { teamForPostcode } from '../../../core/teams.js';
import { abouts, topics } from '../../../core/intake.js';
import { cancelledSignUp, type CancelledSignUp } from '../repository.js';
import type { SignupFlow } from '../flow.js';

/** A rebooking link works for this long after the cancellation. */
const VALID_DAYS = 90;

type Params = { ref: string };

export function rebookStep(app: FastifyInstance, flow: SignupFlow): void {
  /** The cancelled sign-up the link names, when the link is genuine and not too old. */
  async function found(req: FastifyRequest<{ Params: Params }>) {
    const id = rebookAppointmentId(app.config.sessionSecret, req.params.ref);
    const s = id === null ? null : await cancelledSignUp(app.db, id);
    const limit = app.now().getTime() - VALID_DAYS * 24 * 3600_000;
    return s && s.cancelled_at && s.cancelled_at.getTime() >= limit ? s : null;
  }
  const gone = (reply: FastifyReply) => reply.code(404).viewAsync('booking/rebook', { found: false });

  app.get<{ Params: Params }>('/aanmelden/nieuw/:ref', async (req, reply) => {
    if (!(await found(req))) return gone(reply);
    return reply.viewAsync('booking/rebook', { found: true, action: `/aanmelden/nieuw/${req.params.ref}` });
  });

  app.post<{ Params: Params }>('/aanmelden/nieuw/:ref', { config: flow.publicPost }, async (req, reply) => {
    const s = await found(req);
    if (!s) return gone(reply);
    const team = s.postcode ? await teamForPostcode(app.db, s.postcode) : null;
    // A new draft: nothing of a sign-up this browser had going is mixed in.
    await discardDraft(app, req);
    await saveDraft(app, req, { ...draftOf(s), teamId: team?.id ?? null, outOfArea: !team });
    return reply.redirect('/aanmelden/vraag', 303);
  });
}

/** The draft a cancelled sign-up starts with: question and details, never the safety answers or consent. */
function draftOf(s: CancelledSignUp) {
  const about = (abouts as readonly string[]).includes(s.about) ? (s.about as About) : 'self';
  return {
    postcode: s.postcode ?? undefined,
    houseNumber: s.house_number ?? undefined,
    question: s.question,
    topics: s.topics.filter((t) => (topics as readonly string[]).includes(t)),
    about,
    name: s.name,
    email: s.email ?? '',
    phone: s.phone ?? '',
    street: s.street ?? '',
    city: s.city ?? '',
    language: s.language,
    interpreter: s.interpreter,
    companion: s.companion ?? '',
    dateOfBirth: birthDate(s.date_of_birth),
  };
}

/** A stored date of birth as the form shows it ("31-12-1980"). */
function birthDate(v: string | Date | null): string {
  if (!v) return '';
  const d = typeof v === 'string' ? DateTime.fromISO(v) : DateTime.fromJSDate(v, { zone: 'utc' });
  return d.isValid ? d.toFormat('dd-MM-yyyy') : '';
}
