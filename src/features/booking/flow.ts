// The sign-up flow's shared parts: every step (steps/*.ts) gets them from signupFlow(app).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { Team } from '../../db/schema.js';
import { distinctTimes, type Slot } from '../../domain/slots.js';
import { teamFreeSlots } from '../../core/availability.js';
import { loadDraft, signupDrafts, type Draft } from '../../core/signup-draft.js';
import { draftWizard, type WizardTable } from '../../core/wizard.js';
import { neighbourTeams, teamById } from '../../core/teams.js';
import { existingBooking, type RequestInput } from '../../core/booking.js';
import { formStep, returnMarkerOf, type FormStep } from '../../core/forms.js';
import { routeFor } from '../returning/service.js';

/** The sign-up's steps (the call-back page beside them), shared with the tests. */
export const signupSteps: WizardTable<Draft> = {
  home: '/',
  steps: [
    { url: '/aanmelden', done: (d) => Boolean(d.postcode) },
    {
      url: '/aanmelden/vraag',
      done: (d) => Boolean(d.question),
      keep: true,
      // Never a calendar when the safety answers say danger (112) or urgent (the team calls).
      detour: (d) => (d.dangerNow ? '/aanmelden/gevaar' : d.urgent24h ? '/aanmelden/terugbellen' : null),
    },
    { url: '/aanmelden/moment', done: (d) => Boolean(d.slot), skip: (d) => d.outOfArea === true },
    {
      url: '/aanmelden/gegevens',
      // A visit at home needs the street; out of every area we call, so we need the number.
      done: (d) => d.consent === true && (d.mode !== 'home' || Boolean(d.street)) && (!d.outOfArea || Boolean(d.phone)),
      keep: true,
    },
    { url: '/aanmelden/controleren', done: () => false },
  ],
  // "Wijzigen" on the check page: that one step, then back to the check page.
  returns: { controleren: '/aanmelden/controleren' },
  lostQuery: '?verlopen=1',
  // Urgent, or no free time (the calendar links here): only the question must be answered.
  pages: { '/aanmelden/terugbellen': { after: '/aanmelden/vraag' } },
};

/** What every step of the sign-up shares: the wizard, the team, the returning route, the free times, a form step. */
export function signupFlow(app: FastifyInstance) {
  // Rate limit per IP on every public form post (PUBLIC_POST_LIMIT a minute).
  const publicPost = { rateLimit: { max: app.config.publicPostLimit, timeWindow: '1 minute' } };
  const mailCtx = () => app.mailContext();
  const steps = draftWizard(app, signupSteps, signupDrafts);

  const ownTeam = (d: Draft) => teamOf(app, d);
  const returningRoute = (d: Draft) => returningOf(app, d);
  const momentData = (d: Draft) => momentDataOf(app, d);

  /** A repeated submit of an already stored sign-up (a hook before the guard): its confirmation again. */
  async function alreadyBooked(req: FastifyRequest, reply: FastifyReply) {
    const loaded = await loadDraft(app, req);
    if (!loaded?.data.bookedRequestId) return;
    const found = await existingBooking(app.db, app.config.sessionSecret, loaded.data.key);
    if (!found) return;
    const previous = req.session.get('booked');
    req.session.set('booked', {
      ...(previous?.requestId === found.requestId ? previous : {}),
      requestId: found.requestId,
      token: found.manageToken,
    });
    return reply.redirect('/aanmelden/bevestiging', 303);
  }

  /** A step with a form: its page, guarded, rate limited, shown again when the post does not fit. */
  const form = <S extends z.ZodTypeAny>(url: string, step: FormStep<Draft, S>) =>
    formStep(app, url, { ...steps, publicPost, keepStale: true }, step);

  /** The request a sign-up's draft makes (danger now never gets this far: the 112 page). */
  const request = (d: Draft, team: Team | null, o: Pick<RequestInput, 'urgent24h' | 'companion'>): RequestInput => ({
    teamId: team?.id ?? null,
    channel: 'online',
    question: d.question!,
    topics: d.topics ?? [],
    about: d.about ?? 'self',
    dangerNow: false,
    ...o,
    consentAt: app.now(),
    idempotencyKey: d.key,
  });

  /**
   * The step counter, back link and form action of a step's page. Opened from the check page
   * ("Wijzigen", a return marker): `redo` when an earlier change means this step must be
   * answered again (a new address in another team: choose a time again).
   */
  const view = (reply: FastifyReply, d: Draft, url: string) => {
    const marker = returnMarkerOf(reply.request);
    const step = signupSteps.steps.find((s) => s.url === url);
    const redo = steps.returnMarker(marker) !== null && step !== undefined && !step.done(d);
    // `lost`: no draft on a later step (a stale form after the session expired).
    return { ...steps.view(d, url, marker), redo, lost: d.key === '' && url !== signupSteps.steps[0]!.url };
  };

  return { publicPost, mailCtx, steps, view, ownTeam, returningRoute, alreadyBooked, momentData, form, request };
}

export type SignupFlow = ReturnType<typeof signupFlow>;

async function teamOf(app: FastifyInstance, d: Draft): Promise<Team | null> {
  return d.teamId ? teamById(app.db, d.teamId) : null;
}

/** A returning resident's draft (src/features/returning): which coach they get, and why. */
async function returningOf(app: FastifyInstance, d: Draft) {
  const team = d.returningResidentId ? await teamOf(app, d) : null;
  return team ? { team, ...(await routeFor(app.db, team, d, app.now())) } : null;
}

/** The times the moment step offers, and from which team. */
async function momentDataOf(app: FastifyInstance, d: Draft) {
  const team = await teamOf(app, d);
  if (!team) return null;
  // A returning resident: only the known coach's times, else the duo partner's, else the team's.
  const returning = await returningOf(app, d);
  if (returning && returning.slots.length > 0)
    return { team, ownTeam: team, slots: returning.slots, full: false, returning };
  const own = distinctTimes(await teamFreeSlots(app.db, team, app.now()));
  if (own.length > 0) return { team, ownTeam: team, slots: own, full: false, returning };
  // The waiting-list alarm: no free time in the horizon. Offer a neighbour's calendar.
  for (const n of await neighbourTeams(app.db, team.id)) {
    const theirs = distinctTimes(await teamFreeSlots(app.db, n, app.now()));
    if (theirs.length > 0) return { team: n, ownTeam: team, slots: theirs, full: true, returning };
  }
  return { team, ownTeam: team, slots: [] as Slot[], full: true, returning };
}
