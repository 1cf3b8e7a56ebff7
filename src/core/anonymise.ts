// Anonymising what the portal keeps about a person: by the retention job (core of
// features/retention) once a term has passed, and by the privacy desk when a resident asks to be
// forgotten (art. 17 AVG). What goes: names, contact details, address, date of birth, the
// question and every free-text note, the links that open their records. What stays: what the
// figures count (ids, moments, status, team, channel, topics, safety marks, appointment times,
// outcomes and results, the kind of referrer, the coach) and, after retention only, the keyed
// hashes of the e-mail address and phone number (core/pseudonym.ts) and the postcode's four
// figures, so a resident who comes back is offered the same coach.
import { sql } from 'kysely';
import type { Db } from './db.js';
import { hashToken } from '../domain/tokens.js';
import { emailHash, phoneHash } from './pseudonym.js';

/** The name an anonymised resident or referrer carries (the column may not be empty). */
export const ANONYMISED_NAME = '(geanonimiseerd)';
/** The address an anonymised person's mails are listed under. */
export const ANONYMISED_ADDRESS = '(geanonimiseerd)';

/** The hash a return link was asked under (features/returning keeps the same rule). */
const returnLinkHash = (email: string) => hashToken(`return-link:${email.trim().toLowerCase()}`);

/** Clears the requests' own personal content and that of their appointments; returns the ids done. */
async function clearRequests(trx: Db, ids: number[], now: Date) {
  if (ids.length === 0) return [];
  const done = await trx
    .updateTable('request')
    .set({
      // Not empty (the column asks for some text); a plain value is read as it is (core/secret-text.ts).
      question: ANONYMISED_NAME,
      close_note: null,
      callback_note: null,
      lead_note: null,
      companion: null,
      // The form of consent is a code (spoken, written, none: Veilig Thuis) and stays; without
      // consent a reason is required, so the free text becomes the marker.
      no_consent_reason: sql<
        string | null
      >`case when consent_referrer_form = 'none_veilig_thuis' then ${ANONYMISED_NAME} else null end`,
      referrer_done: null,
      referrer_token_hash: null,
      anonymised_at: now,
    })
    .where('id', 'in', ids)
    .where('anonymised_at', 'is', null)
    .returning(['id', 'resident_id', 'referrer_id'])
    .execute();
  if (done.length === 0) return done;
  const requestIds = done.map((r) => r.id);
  const appointments = trx.selectFrom('appointment').select('id').where('request_id', 'in', requestIds);
  await trx.deleteFrom('manage_link').where('appointment_id', 'in', appointments).execute();
  await trx
    .updateTable('appointment')
    .set({
      call_note: null,
      cancel_reason: null,
      referrer_location: null,
      // No token hashes to this: the appointment's manage link stops working.
      manage_token_hash: sql<string>`'anonymised:' || id`,
    })
    .where('request_id', 'in', requestIds)
    .execute();
  return done;
}

/** Purges the text of mails to this address (or, with `mentions`, naming the person too). */
async function purgeMailsOf(
  trx: Db,
  person: { email: string | null; phone: string | null; name: string | null },
  now: Date,
  mentions: boolean,
) {
  const needles = [person.email?.trim(), ...(mentions ? [person.phone?.trim(), person.name?.trim()] : [])].filter(
    (v): v is string => !!v && v.length >= 3 && v !== ANONYMISED_NAME,
  );
  if (needles.length === 0) return;
  const email = (person.email ?? '').trim().toLowerCase();
  const text = sql<string>`lower(coalesce(body_text, '') || coalesce(body_html, '') || coalesce(ics, '') || coalesce(payload::text, ''))`;
  await trx
    .updateTable('outbox_message')
    .set({
      to_address: sql<string>`case when lower(trim(to_address)) = ${email} then ${ANONYMISED_ADDRESS} else to_address end`,
      body_text: null,
      body_html: null,
      ics: null,
      payload: null,
      purged_at: sql<Date>`coalesce(purged_at, ${now})`,
      // A mail not yet sent is not sent any more.
      status: sql<'sent' | 'failed'>`case when status = 'pending' then 'failed' else status end`,
      last_error: sql<string | null>`case when status = 'pending' then 'anonymised' else last_error end`,
    })
    .where(({ or, eb }) =>
      or([
        ...(email ? [eb(sql`lower(trim(to_address))`, '=', email)] : []),
        ...needles.map((n) => eb(sql`position(${n.toLowerCase()} in ${text})`, '>', 0)),
      ]),
    )
    .execute();
}

/** The resident's identifying details, gone; with `erase` the keyed hashes and postcode too. */
async function clearResident(trx: Db, residentId: number, now: Date, erase: boolean) {
  const r = await trx
    .selectFrom('resident')
    .select(['id', 'name', 'email', 'phone', 'postcode', 'email_hash', 'phone_hash'])
    .where('id', '=', residentId)
    .executeTakeFirst();
  if (!r) return;
  const shared =
    !erase && r.email
      ? await trx
          .selectFrom('resident')
          .select('id')
          .where('id', '!=', residentId)
          .where('anonymised_at', 'is', null)
          .where(sql`lower(trim(email))`, '=', r.email.trim().toLowerCase())
          .executeTakeFirst()
      : undefined;
  // Mails to an address another (not anonymised) resident still uses stay theirs.
  if (!shared) await purgeMailsOf(trx, r, now, erase);
  const linkHashes = r.email ? [returnLinkHash(r.email)] : [];
  await trx
    .deleteFrom('return_link')
    .where(({ or, eb }) => or([eb('resident_id', '=', residentId), ...linkHashes.map((h) => eb('email_hash', '=', h))]))
    .execute();
  const pc4 = /^\s*(\d{4})/.exec(r.postcode ?? '')?.[1] ?? null;
  await trx
    .updateTable('resident')
    .set({
      name: ANONYMISED_NAME,
      email: null,
      phone: null,
      street: null,
      city: null,
      house_number: null,
      date_of_birth: null,
      postcode: erase ? null : pc4,
      email_hash: erase ? null : (r.email_hash ?? emailHash(r.email)),
      phone_hash: erase ? null : (r.phone_hash ?? phoneHash(r.phone)),
      anonymised_at: now,
    })
    .where('id', '=', residentId)
    .execute();
}

/** A referrer's name and contact details, once no request that is not anonymised uses them. */
async function clearReferrers(trx: Db, referrerIds: number[]) {
  if (referrerIds.length === 0) return;
  await trx
    .updateTable('referrer')
    .set({ name: ANONYMISED_NAME, phone: null, email: null, agb_code: null })
    .where('id', 'in', referrerIds)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('request')
            .select('request.id')
            .whereRef('request.referrer_id', '=', 'referrer.id')
            .where('request.anonymised_at', 'is', null),
        ),
      ),
    )
    .execute();
}

const unique = (xs: (number | null)[]) => [...new Set(xs.filter((x): x is number => x !== null))];

/**
 * Anonymises these requests (those not yet anonymised): their personal content and their
 * appointments' notes and links; then each resident every one of whose requests is now
 * anonymised, and each referrer no remaining request uses. Returns how many requests it did.
 */
export async function anonymiseRequests(trx: Db, requestIds: number[], now: Date): Promise<number> {
  const done = await clearRequests(trx, requestIds, now);
  for (const residentId of unique(done.map((r) => r.resident_id))) {
    const open = await trx
      .selectFrom('request')
      .select('id')
      .where('resident_id', '=', residentId)
      .where('anonymised_at', 'is', null)
      .executeTakeFirst();
    if (!open) await clearResident(trx, residentId, now, false);
  }
  await clearReferrers(trx, unique(done.map((r) => r.referrer_id)));
  return done.length;
}

/**
 * Art. 17: removes every identifying datum of this resident: all their requests anonymised,
 * their details, keyed hashes and postcode cleared, their return links deleted, every mail to
 * their address or naming them purged. Ids, moments and outcomes stay for the figures.
 */
export async function eraseResident(trx: Db, residentId: number, now: Date): Promise<void> {
  const requests = await trx.selectFrom('request').select('id').where('resident_id', '=', residentId).execute();
  const done = await clearRequests(
    trx,
    requests.map((r) => r.id),
    now,
  );
  await clearResident(trx, residentId, now, true);
  await clearReferrers(trx, unique(done.map((r) => r.referrer_id)));
}
