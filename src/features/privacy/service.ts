// The privacy desk's rules: everything about one person (art. 15), a correction of their
// details (art. 16) and their erasure (art. 17), each in one transaction with its audit entry.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { Db } from '../../core/db.js';
import { audit } from '../../core/audit.js';
import { eraseResident } from '../../core/anonymise.js';
import { emailHash, phoneHash } from '../../core/pseudonym.js';
import { loadRetention } from '../../core/retention-settings.js';
import { decryptText, type TextKeys } from '../../core/secret-text.js';
import { local } from '../../domain/time.js';
import { ktError } from '../../errors.js';
import { auditAbout } from './audit-repository.js';
import { appointmentsOf, mailsTo, referrersOf, requestsOf, residentById, returnLinksOf } from './repository.js';
import { CORRECT_FIELDS, type Correction } from './schemas.js';

export interface Actor {
  staffId: number;
  now: Date;
}

/** The question as the resident wrote it; null when the stored text cannot be read with the keys. */
function readable(keys: TextKeys, stored: string): string | null {
  try {
    return decryptText(keys, stored);
  } catch {
    return null;
  }
}

/** Every row about the person; null when there is no such resident. */
export async function dossier(db: Db, residentId: number, keys: TextKeys) {
  const resident = await residentById(db, residentId);
  if (!resident) return null;
  const requests = (await requestsOf(db, residentId)).map(
    ({ referrer_token_hash: _t, idempotency_key: _k, question, ...q }) => ({
      ...q,
      question: readable(keys, question),
    }),
  );
  const appointments = await appointmentsOf(db, residentId);
  const { email_hash: _e, phone_hash: _p, ...details } = resident;
  return {
    resident: details,
    requests,
    appointments,
    referrers: await referrersOf(db, residentId),
    mails: await mailsTo(
      db,
      resident.email,
      appointments.map((a) => a.id),
    ),
    returnLinks: await returnLinksOf(db, residentId),
    audit: await auditAbout(db, residentId),
  };
}
export type Dossier = NonNullable<Awaited<ReturnType<typeof dossier>>>;

/** When (and by whom) the person was erased at the desk, or null. */
export async function erasure(db: Db, residentId: number) {
  return db
    .selectFrom('audit_event')
    .select(['at', 'actor_staff_id'])
    .where('action', '=', 'privacy_erased')
    .where('subject_type', '=', 'resident')
    .where('subject_id', '=', residentId)
    .orderBy('id', 'desc')
    .executeTakeFirst();
}

/** A desk action on one person, in the audit log (never a value, only ids and field names). */
export async function auditDesk(db: Db, action: string, actor: Actor, residentId: number | null, detail = {}) {
  await audit(db, {
    action,
    actorStaffId: actor.staffId,
    ...(residentId !== null ? { subjectType: 'resident', subjectId: residentId } : {}),
    at: actor.now,
    detail,
  });
}

type Details = Record<(typeof CORRECT_FIELDS)[number], string | null>;

const stored = (r: NonNullable<Awaited<ReturnType<typeof residentById>>>): Details => ({
  name: r.name,
  email: r.email,
  phone: r.phone,
  street: r.street,
  houseNumber: r.house_number,
  postcode: r.postcode,
  city: r.city,
  dateOfBirth: r.date_of_birth,
});

/**
 * Art. 16: the person's details as corrected; the keyed hashes follow the new address and number.
 * Returns the names of the fields that changed (none: nothing is written, nothing audited).
 */
export async function correct(db: Kysely<Database>, residentId: number, c: Correction, actor: Actor) {
  return db.transaction().execute(async (trx) => {
    const r = await trx.selectFrom('resident').selectAll().where('id', '=', residentId).forUpdate().executeTakeFirst();
    if (!r || r.anonymised_at) throw ktError('KT_NOT_FOUND', 'no such resident');
    const before = stored(r);
    const changed = CORRECT_FIELDS.filter((f) => (before[f] ?? null) !== (c[f] ?? null));
    if (changed.length === 0) return changed;
    await trx
      .updateTable('resident')
      .set({
        name: c.name,
        email: c.email,
        phone: c.phone,
        street: c.street,
        house_number: c.houseNumber,
        postcode: c.postcode,
        city: c.city,
        date_of_birth: c.dateOfBirth,
        email_hash: emailHash(c.email),
        phone_hash: phoneHash(c.phone),
      })
      .where('id', '=', residentId)
      .execute();
    await auditDesk(trx, 'privacy_corrected', actor, residentId, { fields: changed, reason: c.reason });
    return changed;
  });
}

export type EraseRefusal = { kind: 'open'; requestIds: number[] } | { kind: 'safety'; until: Date };

/** The legal duties that keep the person's data now: an open request, a recent safety case. */
export async function erasureDuties(db: Db, residentId: number, now: Date): Promise<EraseRefusal[]> {
  const requests = await db
    .selectFrom('request')
    .select(['id', 'status', 'safety_flag', 'closed_at', 'submitted_at'])
    .where('resident_id', '=', residentId)
    .execute();
  const out: EraseRefusal[] = [];
  const open = requests.filter((q) => q.status !== 'closed' && q.status !== 'cancelled');
  if (open.length) out.push({ kind: 'open', requestIds: open.map((q) => q.id) });
  const { closedRequestMonths } = await loadRetention(db);
  // A safety case ended without a closure (withdrawn) counts from its sign-up: never shorter.
  const kept = requests
    .filter((q) => q.safety_flag && !open.includes(q))
    .map((q) =>
      local(q.closed_at ?? q.submitted_at)
        .plus({ months: closedRequestMonths })
        .toJSDate(),
    )
    .filter((until) => until > now)
    .sort((a, b) => b.getTime() - a.getTime());
  if (kept.length) out.push({ kind: 'safety', until: kept[0]! });
  return out;
}

/** Art. 17: erased in one transaction with its audit entry; or the duties that forbid it now. */
export async function erase(db: Kysely<Database>, residentId: number, reason: string, actor: Actor) {
  return db.transaction().execute(async (trx) => {
    const r = await trx
      .selectFrom('resident')
      .select(['id'])
      .where('id', '=', residentId)
      .forUpdate()
      .executeTakeFirst();
    if (!r) throw ktError('KT_NOT_FOUND', 'no such resident');
    // The requests are locked too, so none is reopened or added while the duties are checked.
    await trx.selectFrom('request').select('id').where('resident_id', '=', residentId).forUpdate().execute();
    const duties = await erasureDuties(trx, residentId, actor.now);
    if (duties.length) return { ok: false as const, duties };
    await eraseResident(trx, residentId, actor.now);
    await auditDesk(trx, 'privacy_erased', actor, residentId, { reason });
    return { ok: true as const };
  });
}
