// The last statement of a booking: its audit event and the mails it sends, as one statement.
// The mails are rendered later (mail/later.ts): each row holds the appointment's facts as they
// are now (one view of the appointment, read in this same statement), the recipient and, for the
// resident, the manage link's token; only the subject is written now.
import { sql } from 'kysely';
import { formatters } from '../../domain/time.js';
import { translator, type Locale } from '../i18n.js';
import type { Trx } from './appointment-view.js';
import { APPOINTMENT_MAIL } from './later.js';
import { keepPrepared } from '../../db/prepared.js';

export interface BookedMails {
  appointmentId: number;
  /** The plain manage token for the resident's link (stored until the mail is sent). */
  token: string | null;
  /** The slot and the resident's language: the subjects are written now. */
  start: Date;
  end: Date;
  residentLocale: Locale;
  audit: {
    action: string;
    actorStaffId: number | null;
    subjectType: string;
    subjectId: number;
    teamId: number | null;
    detail: Record<string, unknown>;
  };
}

/** The subjects of the booked mails: the resident's (in their language) and the coaches' (nl). */
export function bookedSubjects(start: Date, end: Date, residentLocale: Locale): { resident: string; coach: string } {
  const whenNl = formatters('nl').range(start, end);
  const when = residentLocale === 'nl' ? whenNl : formatters(residentLocale).range(start, end);
  return {
    resident: translator(residentLocale)('mail.resident.booked.subject', { when }),
    coach: translator('nl')('mail.coach.booked.subject', { when: whenNl }),
  };
}

/**
 * The audit event and the booked mails (the resident's first, then each active coach's by name),
 * in one statement: no view of the appointment travels to the portal and back.
 */
export async function auditAndQueueBooked(trx: Trx, b: BookedMails): Promise<void> {
  const subjects = bookedSubjects(b.start, b.end, b.residentLocale);
  const e = b.audit;
  const query = sql`
    with logged as (
      insert into audit_event (action, actor_staff_id, subject_type, subject_id, team_id, detail)
      values (${e.action}, ${e.actorStaffId}, ${e.subjectType}, ${e.subjectId}, ${e.teamId}, ${JSON.stringify(e.detail)})
    ), v as (
      select a.id, a.block_id, a.starts_at, a.ends_at, a.mode, a.sequence, a.referrer_joins, a.referrer_location,
        r.name, r.email, r.mail_locale, r.street, r.house_number, r.postcode, r.city, t.office_address,
        t.name as team_name, t.phone as team_phone, t.email as team_email,
        f.name as referrer_name, f.organisation as referrer_organisation
      from appointment a
      join request q on q.id = a.request_id
      join resident r on r.id = q.resident_id
      join block b on b.id = a.block_id
      join team t on t.id = b.team_id
      left join referrer f on f.id = q.referrer_id
      where a.id = ${b.appointmentId}
    ), c as (
      select s.name, s.email
      from v join block_coach bc on bc.block_id = v.block_id and bc.active
      join staff_user s on s.id = bc.coach_id
    )
    insert into outbox_message (to_address, subject, kind, payload)
    select m.to_address, m.subject, ${APPOINTMENT_MAIL}::text, m.payload from (
      select 0 as n, '' as sort, v.email as to_address, ${subjects.resident}::text as subject,
        jsonb_build_object('mail', 'booked', 'role', 'resident', 'token', ${b.token}::text, 'view',
          (to_jsonb(v) - 'block_id') || jsonb_build_object('coaches',
            (select coalesce(jsonb_agg(jsonb_build_object('name', c.name) order by c.name), '[]'::jsonb) from c))
        ) as payload
      from v where v.email is not null
      union all
      select 1, c.name, c.email, ${subjects.coach}::text,
        jsonb_build_object('mail', 'booked', 'role', 'coach', 'coach', jsonb_build_object('name', c.name, 'email', c.email),
          'view', jsonb_build_object('id', v.id, 'starts_at', v.starts_at, 'ends_at', v.ends_at, 'mode', v.mode,
            'office_address', v.office_address, 'referrer_location', v.referrer_location))
      from v, c
    ) m
    order by m.n, m.sort`.compile(trx);
  keepPrepared(query.sql);
  await trx.executeQuery(query);
}
