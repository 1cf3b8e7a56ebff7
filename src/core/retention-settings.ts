// The retention terms in force: the municipality's settings (table `setting`, key 'retention')
// over the defaults of domain/retention.ts. The retention job, the admin page and the privacy
// statement all read them here.
import type { Db } from './db.js';
import { audit } from './audit.js';
import { RETENTION_DEFAULTS, RETENTION_LIMITS, type RetentionTerms } from '../domain/retention.js';

const KEY = 'retention';
export const RETENTION_FIELDS = Object.keys(RETENTION_DEFAULTS) as (keyof RetentionTerms)[];

const within = (field: keyof RetentionTerms, v: unknown): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= RETENTION_LIMITS[field].min && v <= RETENTION_LIMITS[field].max;

/** The live terms: each stored term that is within its limits, else the default. */
export async function loadRetention(db: Db): Promise<RetentionTerms> {
  const row = await db.selectFrom('setting').select('value').where('key', '=', KEY).executeTakeFirst();
  const stored = (row?.value ?? {}) as Partial<Record<keyof RetentionTerms, unknown>>;
  const terms = { ...RETENTION_DEFAULTS };
  for (const f of RETENTION_FIELDS) {
    const v = stored[f];
    if (within(f, v)) terms[f] = v;
  }
  return terms;
}

export type RetentionErrors = Partial<Record<keyof RetentionTerms, 'required' | 'whole' | 'range'>>;

/** The terms as typed in a form: each a whole number within its limits, else what is wrong. */
export function parseRetention(
  fields: Partial<Record<string, unknown>>,
): { ok: true; terms: RetentionTerms } | { ok: false; errors: RetentionErrors } {
  const errors: RetentionErrors = {};
  const terms = { ...RETENTION_DEFAULTS };
  for (const f of RETENTION_FIELDS) {
    const raw = typeof fields[f] === 'string' ? (fields[f] as string).trim() : '';
    if (raw === '') errors[f] = 'required';
    else if (!/^\d+$/.test(raw)) errors[f] = 'whole';
    else if (!within(f, Number(raw))) errors[f] = 'range';
    else terms[f] = Number(raw);
  }
  return Object.keys(errors).length === 0 ? { ok: true, terms } : { ok: false, errors };
}

/**
 * Stores the terms (all four, each checked against its limits: throws otherwise) and audits the
 * change with the old and new terms; run it inside the caller's transaction.
 */
export async function saveRetention(
  db: Db,
  terms: RetentionTerms,
  by: { staffId: number | null; now: Date },
): Promise<void> {
  for (const f of RETENTION_FIELDS) {
    if (!within(f, terms[f])) throw new RangeError(`retention term ${f} out of range`);
  }
  const before = await loadRetention(db);
  const value = Object.fromEntries(RETENTION_FIELDS.map((f) => [f, terms[f]]));
  await db
    .insertInto('setting')
    .values({ key: KEY, value: JSON.stringify(value), updated_at: by.now, updated_by: by.staffId })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({ value: JSON.stringify(value), updated_at: by.now, updated_by: by.staffId }),
    )
    .execute();
  await audit(db, {
    action: 'retention_changed',
    actorStaffId: by.staffId,
    subjectType: 'setting',
    detail: { before, after: value },
    at: by.now,
  });
}
