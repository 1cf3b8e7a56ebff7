// The rules of the appointment page: who sees what, and the actions a coach takes around a
// keukentafelgesprek. Every action runs in one transaction with its audit event (and mail);
// updates are guarded by the state they expect, so a double submit changes nothing twice.
import { actionError, type ActionError } from '../../core/forms.js';
import type { Kysely } from 'kysely';
import type { AppointmentMode, Database } from '../../db/schema.js';
import type { StaffSession } from '../../plugins/auth.js';
import { audit } from '../../core/audit.js';
import type { Db } from '../../core/db.js';
import { coachesOfBlock } from '../../core/blocks.js';
import { coachChangedMail } from '../../core/mail/coach-mails.js';
import { residentAppointmentMail } from '../../core/mail/resident-mails.js';
import { type MailContext } from '../../core/mail/appointment-view.js';
import {
  closeOpenRequest,
  earlierRequests,
  hasUpcomingAppointment,
  markRequestHeld,
  residentAddressee,
  setLead,
  staffNames,
  teamSignature,
  updateBookedAppointment,
  type CaseRow,
  type RequestForClose,
} from './repository.js';
import { teamCoaches } from '../../core/teams.js';
import type { outcomes, results } from './schemas.js';
import { feedbackForOutcome, queueReferrerFeedback } from '../referral/feedback.js';
import { referralOfAppointment } from '../referral/repository.js';
import { returningPanel } from '../returning/staff.js';
import { handoverMail } from '../returning/mails.js';

/** What the page needs besides the case row. Earlier questions of other teams stay hidden. */
/** An audit event of a staff member on the appointment of the page. */
async function auditCase(db: Db, staff: StaffSession, c: CaseRow, action: string, detail?: Record<string, unknown>) {
  await audit(db, {
    action,
    actorStaffId: staff.id,
    subjectType: 'appointment',
    subjectId: c.id,
    teamId: c.team_id,
    detail,
  });
}

export async function pageModel(db: Kysely<Database>, c: CaseRow) {
  const coaches = await coachesOfBlock(db, c.block_id);
  const earlier = (await earlierRequests(db, c.resident_id, c.request_id)).map((r) => ({
    ...r,
    ownTeam: r.team_id === c.team_id,
    question: r.team_id === c.team_id ? r.question : null,
  }));
  const names = await staffNames(
    db,
    [
      c.lead_coach_id,
      c.resident_lead_coach_id,
      c.solo_coach_id,
      c.closed_by,
      ...earlier.map((r) => r.lead_coach_id),
    ].filter((x): x is number => x !== null),
  );
  return {
    coaches,
    earlier,
    names,
    teamCoaches: await teamCoaches(db, c.team_id),
    referral: await referralOfAppointment(db, c.id),
    returning: await returningPanel(db, c),
  };
}

export async function markCalled(
  db: Kysely<Database>,
  c: CaseRow,
  staff: StaffSession,
  note: string,
  now: Date,
): Promise<void> {
  if (c.status !== 'booked') throw actionError('callNote', 'appointments.errors.notBooked', 409);
  await db.transaction().execute(async (trx) => {
    if (!(await updateBookedAppointment(trx, c.id, { called_at: now, call_note: note })))
      throw actionError('callNote', 'appointments.errors.notBooked', 409);
    await auditCase(trx, staff, c, 'appointment_called');
  });
}

/**
 * Change the mode and/or who goes. The resident hears of it only when the place changes (the
 * mode); which coach goes is the team's business.
 */
export async function changeMode(
  db: Kysely<Database>,
  c: CaseRow,
  staff: StaffSession,
  choice: { mode: AppointmentMode | 'referrer'; solo: number | null },
  now: Date,
  mail: MailContext,
): Promise<{ residentMailed: boolean }> {
  if (c.status !== 'booked') throw actionError('mode', 'appointments.errors.notBooked', 409);
  if (c.starts_at <= now) throw actionError('mode', 'appointments.errors.modePast', 409);
  if (choice.solo !== null && !(await coachesOfBlock(db, c.block_id)).some((x) => x.id === choice.solo))
    throw actionError('solo', 'appointments.errors.solo');
  // The referrer's place (a 3-gesprek) is 'office' with their address; the team's office has none.
  if (choice.mode === 'referrer' && !c.referrer_location) throw actionError('mode', 'appointments.errors.mode');
  const input = {
    mode: choice.mode === 'referrer' ? ('office' as const) : choice.mode,
    solo: choice.solo,
    referrerLocation: choice.mode === 'office' ? null : c.referrer_location,
  };
  const modeChanged = input.mode !== c.mode || input.referrerLocation !== c.referrer_location;
  if (!modeChanged && input.solo === c.solo_coach_id) throw actionError('mode', 'appointments.errors.nothingChanged');
  if (modeChanged && input.mode === 'home' && !c.street) throw actionError('mode', 'appointments.errors.noAddress');
  if (modeChanged && input.mode === 'phone' && !c.phone) throw actionError('mode', 'appointments.errors.noPhone');
  if (modeChanged && input.mode === 'video' && !c.email) throw actionError('mode', 'appointments.errors.noEmail');
  await db.transaction().execute(async (trx) => {
    const change = { mode: input.mode, solo_coach_id: input.solo, referrer_location: input.referrerLocation };
    if (!(await updateBookedAppointment(trx, c.id, change)))
      throw actionError('mode', 'appointments.errors.notBooked', 409);
    await auditCase(trx, staff, c, 'appointment_mode_changed', {
      from: c.mode,
      to: choice.mode,
      soloFrom: c.solo_coach_id,
      soloTo: input.solo,
    });
    if (modeChanged) await residentAppointmentMail(trx, mail, c.id, 'changed', null);
    await coachChangedMail(trx, mail, c.id, staff.id, input.solo);
  });
  return { residentMailed: modeChanged && Boolean(c.email) };
}

export async function registerOutcome(
  db: Kysely<Database>,
  c: CaseRow,
  staff: StaffSession,
  input: { outcome: (typeof outcomes)[number]; result: (typeof results)[number] | '' },
  now: Date,
): Promise<void> {
  if (c.status !== 'booked') throw actionError('outcome', 'appointments.errors.outcomeDone', 409);
  if (c.starts_at > now) throw actionError('outcome', 'appointments.errors.outcomeTooEarly');
  // A result belongs to a conversation that took place.
  const result = input.outcome === 'held' && input.result !== '' ? input.result : null;
  await db.transaction().execute(async (trx) => {
    const outcome = {
      status: input.outcome,
      outcome: input.outcome,
      result,
      outcome_at: now,
      ...(input.outcome === 'cancelled' ? { cancelled_at: now } : {}),
    };
    if (!(await updateBookedAppointment(trx, c.id, outcome)))
      throw actionError('outcome', 'appointments.errors.outcomeDone', 409);
    // The first conversation is the first contact: its start is when it took place, which
    // is what the waiting-time figure (sign-up → first conversation) measures.
    if (input.outcome === 'held') await markRequestHeld(trx, c.request_id, c.starts_at, result === 'plan_made');
    await auditCase(trx, staff, c, 'appointment_outcome', { outcome: input.outcome, result });
    // A referrer hears the status (never the content), if the resident agreed to feedback.
    await queueReferrerFeedback(trx, c.request_id, feedbackForOutcome(input.outcome), now);
  });
}

/**
 * Sets (or hands over) the lead role. With a note, the note is kept for the new coach. When the
 * lead changes and the resident has an email address, they are told their fixed contact (issue 6).
 */
export async function setLeadCoach(
  db: Kysely<Database>,
  c: CaseRow,
  staff: StaffSession,
  coachId: number,
  opts: { note?: string | null; mail?: MailContext } = {},
): Promise<{ residentMailed: boolean }> {
  const coaches = await teamCoaches(db, c.team_id);
  const coach = coaches.find((x) => x.id === coachId);
  if (!coach) throw actionError('leadCoach', 'appointments.errors.leadCoach');
  const changed = (c.lead_coach_id ?? c.resident_lead_coach_id) !== coachId;
  const mailResident = changed && Boolean(c.email) && opts.mail !== undefined;
  await db.transaction().execute(async (trx) => {
    await setLead(trx, { requestId: c.request_id, residentId: c.resident_id }, coachId, opts.note);
    await audit(trx, {
      action: 'lead_coach_set',
      actorStaffId: staff.id,
      subjectType: 'request',
      subjectId: c.request_id,
      teamId: c.team_id,
      detail: { from: c.lead_coach_id, to: coachId, note: Boolean(opts.note), residentMailed: mailResident },
    });
    if (mailResident) {
      const r = await residentAddressee(trx, c.resident_id);
      const team = await teamSignature(trx, c.team_id);
      await handoverMail(trx, { email: r.email!, name: r.name, locale: r.mail_locale }, coach.name, team);
    }
  });
  return { residentMailed: mailResident };
}

/** Safety-flagged requests are closed by a team lead only (never by a coach, never automatically). */
export function closeRefusal(r: RequestForClose, staff: StaffSession): ActionError | null {
  if (r.safety_flag && staff.role !== 'teamlead')
    return actionError('closeNote', 'appointments.errors.closeSafety', 403);
  if (r.status === 'closed' || r.status === 'cancelled')
    return actionError('closeNote', 'appointments.errors.closeDone', 409);
  return null;
}

export async function closeRequest(
  db: Kysely<Database>,
  r: RequestForClose,
  staff: StaffSession,
  note: string,
  now: Date,
): Promise<void> {
  const refused = closeRefusal(r, staff);
  if (refused) throw refused;
  if (await hasUpcomingAppointment(db, r.id, now))
    throw actionError('closeNote', 'appointments.errors.closeUpcoming', 409);
  await db.transaction().execute(async (trx) => {
    const closed = await closeOpenRequest(trx, r.id, { now, staffId: staff.id, note }, staff.role === 'teamlead');
    if (!closed) throw actionError('closeNote', 'appointments.errors.closeDone', 409);
    await audit(trx, {
      action: 'request_closed',
      actorStaffId: staff.id,
      subjectType: 'request',
      subjectId: r.id,
      teamId: r.team_id,
      detail: { safetyFlag: r.safety_flag },
    });
    await queueReferrerFeedback(trx, r.id, 'closed', now);
  });
}
