// A plain sign-up of someone the team already knows is written for their existing resident
// row instead of a new one, so one person's history stays on one row. The rule is strict on
// purpose (see sameResident): it must never let one person reach another's details.
import { sql, type Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import { phoneDigits } from '../domain/phone.js';
import type { ResidentInput } from './booking-rows.js';

const same = (v: string | null) => (v ?? '').trim().replace(/\s+/g, ' ').toLowerCase();
const samePhone = (v: string | null) => (v ? (phoneDigits(v) ?? same(v)) : '');

/**
 * The resident row a new plain sign-up is sure to belong to, or null: a new row is written and
 * staff's "possible matches" on the appointment page remain the way to link it.
 *
 * Linked only when exactly one resident row fits all of this: it has a request in the sign-up's
 * team, the same email address or phone number (phoneDigits), and every detail typed is what
 * that row holds: name, email, phone, address, date of birth, language and interpreter, compared
 * trimmed and in any case, an empty field only equal to an empty one. Two rows that fit (one
 * person written twice before, or two people sharing every detail) link to neither. So whoever types another person's email
 * address changes nothing of that person's row (nothing is written to it but the language of
 * the mails) and sees nothing of it: every page and mail of the booking shows only what was
 * typed. Newer details (a new phone number, a move) mean a new row, which staff may link.
 */
export async function sameResident(
  trx: Transaction<Database>,
  r: ResidentInput,
  teamId: number | null,
): Promise<number | null> {
  const email = same(r.email);
  const phone = samePhone(r.phone);
  if (teamId === null || (!email && !phone)) return null;
  const digits = sql<string>`regexp_replace(coalesce(resident.phone, ''), '[^0-9]', '', 'g')`;
  const rows = await trx
    .selectFrom('resident')
    .selectAll()
    .where(({ or, eb }) =>
      or([
        ...(email ? [eb(sql`lower(trim(resident.email))`, '=', email)] : []),
        ...(phone.length >= 9 ? [eb(sql`right(${digits}, 9)`, '=', phone.replace(/\D/g, '').slice(-9))] : []),
      ]),
    )
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom('request')
          .select('request.id')
          .whereRef('request.resident_id', '=', 'resident.id')
          .where('request.team_id', '=', teamId),
      ),
    )
    .execute();
  const matches = rows.filter(
    (x) =>
      same(x.name) === same(r.name) &&
      same(x.email) === email &&
      samePhone(x.phone) === phone &&
      same(x.postcode).replace(/ /g, '') === same(r.postcode).replace(/ /g, '') &&
      same(x.house_number).replace(/ /g, '') === same(r.houseNumber).replace(/ /g, '') &&
      same(x.street) === same(r.street) &&
      same(x.city) === same(r.city) &&
      (x.date_of_birth ?? null) === r.dateOfBirth &&
      x.language === r.language &&
      x.interpreter === r.interpreter,
  );
  return matches.length === 1 ? matches[0]!.id : null;
}

/** A found resident (sameResident): only the language of the mails follows the new sign-up. */
export async function useResident(trx: Transaction<Database>, residentId: number, mailLocale: 'nl' | 'en') {
  await trx.updateTable('resident').set({ mail_locale: mailLocale }).where('id', '=', residentId).execute();
  return residentId;
}
