-- One booking as the portal sends it (core/booking.ts, checked against the portal by
-- test/booking/pgbench-script.test.ts), for pgbench -M extended: the like-for-like write ceiling
-- of test/bench/booking-ceiling.ts. Each transaction books the one slot of its own prepared block
-- (a per-client counter), so no two clients ever want the same time.
-- pgbench sends no null: where the portal sends null (phone, date of birth, referrer, lead coach,
-- booked by, the actor of the audit event) this script sends a real value of a prepared row.
-- Variables from the command line (-D): n=0, first_block, per_client, team, staff, referrer,
-- yes, no, phone, postcode, house, street, city, dob, language, interpreter, locale,
-- channel, question, topics, about, companion, now, start, end, mode, action, subject, detail,
-- kind, subject_resident, subject_coach, name, email_hash, phone_hash.
\set n :n + 1
\set bid :first_block + :client_id * :per_client + :n - 1
\set key :client_id * 1000000000 + :n
begin;
select "id", "team_id", "starts_at", "ends_at", "slot_minutes", "buffer_minutes", "location_kind", "status"
  from "block" where "id" = :bid for update;
select "block_coach"."block_id" from "block_coach"
  inner join "block" on "block"."id" = "block_coach"."block_id"
  inner join "staff_user" on "staff_user"."id" = "block_coach"."coach_id"
  where "block_coach"."block_id" in (:bid) and "block_coach"."active" = :yes
    and ("staff_user"."active" = :no or "staff_user"."team_id" is null or "staff_user"."team_id" != "block"."team_id");
select * from "resident" where lower(trim(resident.email)) = :key
  and exists (select "request"."id" from "request" where "request"."resident_id" = "resident"."id" and "request"."team_id" = :team);
with res as (
  insert into resident (name, email, phone, postcode, house_number, street, city, date_of_birth, language,
    interpreter, mail_locale, email_hash, phone_hash)
  values (:name, :key, :phone, :postcode, :house, :street, :city, :dob, :language, :interpreter, :locale,
    :email_hash, :phone_hash)
  returning id
), req as (
  insert into request (resident_id, team_id, referrer_id, channel, question, topics, about, danger_now,
    urgent_24h, safety_flag, status, companion, consent_processing_at, idempotency_key, submitted_at,
    assigned_at, lead_coach_id, scheduled_at)
  values ((select id from res), :team, :referrer, :channel, :question, :topics, :about, :no, :no, :no,
    'scheduled', :companion, :now, :key, :now, :now, :staff, :now)
  returning id
), app as (
  insert into appointment (request_id, block_id, starts_at, ends_at, mode, manage_token_hash, created_at,
    booked_by)
  values ((select id from req), :bid, :start, :end, :mode, :key, :now, :staff)
  returning id
)
select (select id from res) as resident_id, (select id from req) as request_id, (select id from app) as appointment_id
\gset
with logged as (
  insert into audit_event (action, actor_staff_id, subject_type, subject_id, team_id, detail)
  values (:action, :staff, :subject, :request_id, :team, :detail)
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
  where a.id = :appointment_id
), c as (
  select s.name, s.email
  from v join block_coach bc on bc.block_id = v.block_id and bc.active
  join staff_user s on s.id = bc.coach_id
)
insert into outbox_message (to_address, subject, kind, payload)
select m.to_address, m.subject, :kind::text, m.payload from (
  select 0 as n, '' as sort, v.email as to_address, :subject_resident::text as subject,
    jsonb_build_object('mail', 'booked', 'role', 'resident', 'token', :key::text, 'view',
      (to_jsonb(v) - 'block_id') || jsonb_build_object('coaches',
        (select coalesce(jsonb_agg(jsonb_build_object('name', c.name) order by c.name), '[]'::jsonb) from c))
    ) as payload
  from v where v.email is not null
  union all
  select 1, c.name, c.email, :subject_coach::text,
    jsonb_build_object('mail', 'booked', 'role', 'coach', 'coach', jsonb_build_object('name', c.name, 'email', c.email),
      'view', jsonb_build_object('id', v.id, 'starts_at', v.starts_at, 'ends_at', v.ends_at, 'mode', v.mode,
        'office_address', v.office_address, 'referrer_location', v.referrer_location))
  from v, c
) m
order by m.n, m.sort;
commit;
