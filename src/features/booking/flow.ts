// The sign-up flow's shared parts: every step (steps/*.ts) gets them from signupFlow(app).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Team } from '../../db/schema.js';
import { distinctTimes, type Slot } from '../../domain/slots.js';
import { teamFreeSlots } from '../../core/availability.js';
import { loadDraft, type Draft } from '../../core/signup-draft.js';
import { neighbourTeams, teamById } from '../../core/teams.js';
import { existingBooking } from '../../core/booking.js';
import { routeFor } from '../returning/service.js';

export type Body = Record<string, string | string[] | undefined>;

export function str(body: Body, name: string): string {
  const v = body[name];
  return typeof v === 'string' ? v : '';
}

/** What every step of the sign-up shares: the draft guards, the team, the returning route, the free times. */
export function signupFlow(app: FastifyInstance) {
  // Rate limit per IP on every public form post (PUBLIC_POST_LIMIT a minute).
  const publicPost = { config: { rateLimit: { max: app.config.publicPostLimit, timeWindow: '1 minute' } } };
  const mailCtx = () => app.mailContext();

  async function requireDraft(
    req: FastifyRequest,
    reply: FastifyReply,
    need: (d: Draft) => boolean,
  ): Promise<Draft | null> {
    const d = await loadDraft(app, req);
    if (!d || !need(d.data)) {
      await reply.redirect('/aanmelden', 303);
      return null;
    }
    return d.data;
  }

  /** Steps after the question: never reachable when the safety answers say danger or urgent. */
  async function requireBookable(
    req: FastifyRequest,
    reply: FastifyReply,
    need: (d: Draft) => boolean,
  ): Promise<Draft | null> {
    const d = await requireDraft(req, reply, (x) => x.dangerNow === true || x.urgent24h === true || need(x));
    if (!d) return null;
    if (d.dangerNow) {
      await reply.redirect('/aanmelden/gevaar', 303);
      return null;
    }
    if (d.urgent24h) {
      await reply.redirect('/aanmelden/terugbellen', 303);
      return null;
    }
    return d;
  }

  const ownTeam = (d: Draft) => teamOf(app, d);
  const returningRoute = (d: Draft) => returningOf(app, d);
  const momentData = (d: Draft) => momentDataOf(app, d);

  /** A repeated submit of an already stored sign-up: show its confirmation again. */
  async function alreadyBooked(req: FastifyRequest, reply: FastifyReply): Promise<boolean> {
    const loaded = await loadDraft(app, req);
    if (!loaded?.data.bookedRequestId) return false;
    const found = await existingBooking(app.db, app.config.sessionSecret, loaded.data.key);
    if (!found) return false;
    const previous = req.session.get('booked');
    req.session.set('booked', {
      ...(previous?.requestId === found.requestId ? previous : {}),
      requestId: found.requestId,
      token: found.manageToken,
    });
    await reply.redirect('/aanmelden/bevestiging', 303);
    return true;
  }

  return { publicPost, mailCtx, requireDraft, requireBookable, ownTeam, returningRoute, alreadyBooked, momentData };
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
