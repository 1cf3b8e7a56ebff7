// Shared set-up of the retention tests: a team with a coach and a block, and cases written as the
// portal stores them (a resident with every detail, a request with every note, an appointment
// with its notes and a further manage link, a referrer), each with its own moments.
import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import type { Kysely } from 'kysely';
import type { AppointmentStatus, Database, RequestStatus } from '../../src/db/schema.js';
import { makeBlock, makeStaff, makeTeam, newTokenHash } from '../helpers/fixtures.js';

export const at = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/Amsterdam' }).toJSDate();
/** `n` months (or days) before `d`, in Amsterdam's calendar, plus `shiftMs`. */
export const monthsBefore = (d: Date, n: number, shiftMs = 0) =>
  new Date(DateTime.fromJSDate(d, { zone: 'Europe/Amsterdam' }).minus({ months: n }).toMillis() + shiftMs);
export const daysBefore = (d: Date, n: number, shiftMs = 0) =>
  new Date(DateTime.fromJSDate(d, { zone: 'Europe/Amsterdam' }).minus({ days: n }).toMillis() + shiftMs);
export const HOUR = 3_600_000;

export interface World {
  teamId: number;
  coachId: number;
}

export async function world(db: Kysely<Database>, name = 'Wijkteam Bewaren'): Promise<World> {
  const team = await makeTeam(db, { name });
  const coach = await makeStaff(db, team.id, { name: 'Coach Bewaren' });
  return { teamId: team.id, coachId: coach.id };
}

export interface CaseSpec {
  tag: string;
  status: RequestStatus;
  submittedAt: Date;
  closedAt?: Date | null;
  firstContactAt?: Date | null;
  safety?: boolean;
  appointment?: { status: AppointmentStatus; outcome?: 'held' | 'no_show' | 'cancelled' | null };
  residentId?: number;
  withReferrer?: boolean;
}

export interface Case {
  tag: string;
  residentId: number;
  requestId: number;
  appointmentId: number | null;
  referrerId: number | null;
  email: string;
}

/** One case with every personal field filled, named after `tag` (so a scan can find it). */
export async function makeCase(db: Kysely<Database>, w: World, s: CaseSpec): Promise<Case> {
  const email = `${s.tag}@bewoner.example.nl`;
  const residentId =
    s.residentId ??
    (
      await db
        .insertInto('resident')
        .values({
          name: `Naam ${s.tag}`,
          email,
          phone: '06 1234 5678',
          postcode: '6811AB',
          house_number: '12a',
          street: `Straat ${s.tag}`,
          city: 'Arnhem',
          date_of_birth: '1980-02-03',
          lead_coach_id: w.coachId,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  const referrerId = s.withReferrer
    ? (
        await db
          .insertInto('referrer')
          .values({
            kind: 'huisarts',
            organisation: 'Praktijk De Linde',
            name: `Verwijzer ${s.tag}`,
            phone: '026 111 2222',
            email: `verwijzer.${s.tag}@praktijk.example.nl`,
            agb_code: '01234567',
          })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id
    : null;
  const closedAt = s.closedAt ?? null;
  const request = await db
    .insertInto('request')
    .values({
      resident_id: residentId,
      team_id: w.teamId,
      referrer_id: referrerId,
      channel: referrerId ? 'referrer' : 'online',
      question: `Vraag van ${s.tag}`,
      topics: ['geld'],
      safety_flag: s.safety ?? false,
      urgent_24h: s.safety ?? false,
      status: s.status,
      companion: `Begeleider ${s.tag}`,
      consent_referrer_form: referrerId ? 'none_veilig_thuis' : null,
      no_consent_reason: `Reden ${s.tag}`,
      idempotency_key: randomUUID(),
      submitted_at: s.submittedAt,
      assigned_at: s.submittedAt,
      first_contact_at: s.firstContactAt ?? null,
      closed_at: closedAt,
      close_note: closedAt ? `Afsluitnotitie ${s.tag}` : null,
      callback_note: `Terugbelnotitie ${s.tag}`,
      lead_note: `Regienotitie ${s.tag}`,
      lead_coach_id: w.coachId,
      referrer_token_hash: referrerId ? newTokenHash() : null,
      referrer_done: referrerId ? `Gedaan ${s.tag}` : null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  let appointmentId: number | null = null;
  if (s.appointment) {
    const starts = new Date(s.submittedAt.getTime() + 7 * 24 * HOUR);
    // A block of its own (a solo coach of its own), so no two cases' times can clash.
    const solo = await makeStaff(db, w.teamId);
    const blockId = await makeBlock(db, {
      teamId: w.teamId,
      start: starts,
      end: new Date(starts.getTime() + HOUR),
      coachIds: [solo.id],
      solo: true,
    });
    const appt = await db
      .insertInto('appointment')
      .values({
        request_id: request.id,
        block_id: blockId,
        starts_at: starts,
        ends_at: new Date(starts.getTime() + HOUR),
        manage_token_hash: newTokenHash(),
        status: s.appointment.status,
        outcome: s.appointment.outcome ?? null,
        result: s.appointment.outcome === 'held' ? 'advice_only' : null,
        call_note: `Belnotitie ${s.tag}`,
        cancel_reason: s.appointment.status === 'cancelled' ? `Afzegreden ${s.tag}` : null,
        cancelled_at: s.appointment.status === 'cancelled' ? closedAt : null,
        referrer_joins: referrerId !== null,
        referrer_location: referrerId ? `Locatie ${s.tag}` : null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    appointmentId = appt.id;
    await db.insertInto('manage_link').values({ token_hash: newTokenHash(), appointment_id: appt.id }).execute();
  }
  return { tag: s.tag, residentId, requestId: request.id, appointmentId, referrerId, email };
}

/** Every row of a case, as the assertions compare them. */
export async function rowsOf(db: Kysely<Database>, c: Case) {
  return {
    resident: await db.selectFrom('resident').selectAll().where('id', '=', c.residentId).executeTakeFirstOrThrow(),
    request: await db.selectFrom('request').selectAll().where('id', '=', c.requestId).executeTakeFirstOrThrow(),
    appointment: c.appointmentId
      ? await db.selectFrom('appointment').selectAll().where('id', '=', c.appointmentId).executeTakeFirstOrThrow()
      : null,
    manageLinks: c.appointmentId
      ? await db.selectFrom('manage_link').selectAll().where('appointment_id', '=', c.appointmentId).execute()
      : [],
    referrer: c.referrerId
      ? await db.selectFrom('referrer').selectAll().where('id', '=', c.referrerId).executeTakeFirstOrThrow()
      : null,
  };
}
