// /medewerker/verwijzers — the team's fixed contact coach per referring organisation. Coaches
// and team leads of the team see the list; team leads name or remove a contact. The team is
// the user's own (no id in the URL), so another team's contacts are never in reach.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { CASE_ROLES, requireStaff, type StaffSession } from '../../plugins/auth.js';
import { fieldErrors } from '../../core/forms.js';
import { teamCoaches } from '../../core/teams.js';
import { contactsOfTeam, organisationKey, referringOrganisations } from './repository.js';
import { removeContact, setContact } from './contacts-service.js';
import { phoneRule, pick } from './schemas.js';

const view = { config: { access: { roles: CASE_ROLES } } };
const manage = { config: { access: { roles: ['teamlead'] as const } } };

const contactSchema = (coachIds: Set<number>) =>
  z.object({
    organisation: z
      .string()
      .trim()
      .max(200, 'referral.contacts.errors.organisationTooLong')
      .pipe(z.string().min(1, 'referral.contacts.errors.organisationEmpty')),
    coach: z
      .string()
      .refine((v) => /^\d{1,9}$/.test(v) && coachIds.has(Number(v)), 'referral.contacts.errors.coach')
      .transform(Number),
    phone: z
      .string()
      .trim()
      .max(30, 'referral.contacts.errors.phoneFormat')
      .refine((v) => v === '' || phoneRule(v), 'referral.contacts.errors.phoneFormat'),
  });

type PageOptions = {
  values?: Record<string, string>;
  errors?: Record<string, string>;
  status?: number;
  done?: string | null;
};

/** The list of the team's contacts, with the form for team leads. */
async function page(app: FastifyInstance, reply: FastifyReply, staff: StaffSession, opts: PageOptions = {}) {
  const teamId = staff.teamId!;
  const [contacts, coaches, suggestions] = await Promise.all([
    contactsOfTeam(app.db, teamId),
    teamCoaches(app.db, teamId),
    referringOrganisations(app.db, teamId),
  ]);
  return reply.code(opts.status ?? 200).viewAsync('referral/contacts', {
    contacts,
    coaches,
    suggestions,
    canEdit: staff.role === 'teamlead',
    values: { organisation: '', coach: '', phone: '', ...opts.values },
    errors: opts.errors ?? {},
    done: opts.done ?? null,
  });
}

export default async function contactsRoutes(app: FastifyInstance) {
  app.get('/medewerker/verwijzers', view, async (req, reply) => {
    const done = (req.query as Record<string, unknown>).klaar;
    return page(app, reply, requireStaff(req), { done: done === 'opgeslagen' || done === 'verwijderd' ? done : null });
  });

  app.post('/medewerker/verwijzers', manage, async (req, reply) => {
    const staff = requireStaff(req);
    const teamId = staff.teamId!;
    const values = pick(req.body, ['organisation', 'coach', 'phone']);
    const coaches = await teamCoaches(app.db, teamId);
    const parsed = contactSchema(new Set(coaches.map((c) => c.id))).safeParse(values);
    if (!parsed.success) return page(app, reply, staff, { values, errors: fieldErrors(parsed.error), status: 400 });
    const v = parsed.data;
    await setContact(app.db, {
      teamId,
      organisation: v.organisation,
      coachId: v.coach,
      phone: v.phone || null,
      staffId: staff.id,
    });
    return reply.redirect('/medewerker/verwijzers?klaar=opgeslagen', 303);
  });

  app.post('/medewerker/verwijzers/verwijderen', manage, async (req, reply) => {
    const staff = requireStaff(req);
    const key = organisationKey(pick(req.body, ['organisation']).organisation!);
    const removed = await removeContact(app.db, { teamId: staff.teamId!, key, staffId: staff.id });
    if (removed === 0)
      return page(app, reply, staff, { errors: { organisation: 'referral.contacts.errors.notFound' }, status: 400 });
    return reply.redirect('/medewerker/verwijzers?klaar=verwijderd', 303);
  });
}
