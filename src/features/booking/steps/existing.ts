// A resident who already has an upcoming appointment with the same team (same email address, or
// the same phone number however it is written) is told so on the check page, before booking
// again, and may choose: move that appointment (a mail with its manage link goes to the address
// on file) or book this as a separate new question.
//
// What the page may show to someone who typed another person's email address or phone number:
// only that an appointment exists at this team for that address or number. Never when, with whom,
// about what, the address on file or the manage link: those go by mail to the address on file
// only. The match needs the same team too (the postcode), so a stranger learns nothing else.
import type { FastifyInstance } from 'fastify';
import { phoneDigits } from '../../../domain/phone.js';
import { residentAppointmentMail } from '../../../core/mail/resident-mails.js';
import { saveDraft, type Draft } from '../../../core/signup-draft.js';
import { issueManageLink } from '../../../core/managed-appointment.js';
import { stillBooked, upcomingContacts } from '../repository.js';
import type { SignupFlow } from '../flow.js';

export const EXISTING_URL = '/aanmelden/controleren/bestaande';

export interface Existing {
  appointmentId: number;
  /** The appointment's resident has an email address: the manage link can be mailed. */
  canMail: boolean;
  /** The mail was sent for this draft. */
  mailed: boolean;
}

const sameEmail = (a: string | null | undefined, b: string | null | undefined) =>
  Boolean(a && b && a.trim().toLowerCase() === b.trim().toLowerCase());
const samePhone = (a: string | null | undefined, b: string | null | undefined) => {
  const x = a ? phoneDigits(a) : null;
  return x !== null && x === (b ? phoneDigits(b) : null);
};

/** The first upcoming appointment at the team(s) of this draft for the same email or phone, if any. */
export async function existingFor(app: FastifyInstance, d: Draft): Promise<Existing | null> {
  const teamIds = [...new Set([d.teamId, d.slotTeamId].filter((v): v is number => typeof v === 'number'))];
  if (!d.email && !d.phone) return null;
  const digits = d.phone ? phoneDigits(d.phone) : null;
  const rows = await upcomingContacts(app.db, teamIds, app.now(), {
    email: d.email || null,
    phoneTail: digits ? digits.replace(/\D/g, '').slice(-9) : null,
  });
  const hit = rows.find((r) => sameEmail(r.email, d.email) || samePhone(r.phone, d.phone));
  return hit ? { appointmentId: hit.id, canMail: Boolean(hit.email), mailed: d.existingMailed === hit.id } : null;
}

export function existingRoute(app: FastifyInstance, flow: SignupFlow): void {
  const { steps, publicPost } = flow;
  // "Move that appointment": a mail to the address on file with a further manage link (the
  // earlier links keep working), once per draft. The page then says only that a mail was sent.
  app.post(
    EXISTING_URL,
    { config: publicPost, preValidation: steps.guard('/aanmelden/controleren') },
    async (req, reply) => {
      const d = steps.draft(req);
      const found = await existingFor(app, d);
      if (found?.canMail && !found.mailed) {
        await app.db.transaction().execute(async (trx) => {
          if (!(await stillBooked(trx, found.appointmentId))) return;
          const token = await issueManageLink(trx, found.appointmentId, app.now());
          await residentAppointmentMail(trx, app.mailContext(), found.appointmentId, 'booked', token);
        });
        app.mail.kick();
        await saveDraft(app, req, { existingMailed: found.appointmentId });
        req.log.info({ appointmentId: found.appointmentId }, 'manage link mailed for an existing appointment');
      }
      return reply.redirect('/aanmelden/controleren#existing', 303);
    },
  );
}
