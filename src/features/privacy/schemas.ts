// The privacy desk's forms: the search, the correction (art. 16), the erasure (art. 17) and the
// audit log's filter. Messages are locale keys, shown next to the field.
import { z } from 'zod';
import { normalizeHouseNumber, normalizePostcode } from '../../domain/postcode.js';
import { isPhoneNumber, phoneDigits } from '../../domain/phone.js';
import { isBirthDate, parseTypedDate } from '../../domain/typed-date.js';
import type { FieldErrors } from '../../core/forms.js';

export const SEARCH_KINDS = ['email', 'phone', 'name'] as const;
export type SearchKind = (typeof SEARCH_KINDS)[number];
export interface Search {
  kind: SearchKind;
  /** Email: lower case; phone: the last nine digits; name: as typed, trimmed. */
  value: string;
}

const str = (v: unknown) => (typeof v === 'string' ? v : '');

/** The search form's values as typed (query string), and the search when they fit. */
export function searchOf(query: unknown): {
  values: { by: string; q: string };
  search: Search | null;
  errors: FieldErrors;
} {
  const q = (query ?? {}) as Record<string, unknown>;
  const values = { by: str(q.zoek) || 'email', q: str(q.q).trim() };
  const errors: FieldErrors = {};
  const kind = (SEARCH_KINDS as readonly string[]).includes(values.by) ? (values.by as SearchKind) : null;
  if (!kind) errors.by = 'privacy.desk.errors.by';
  if (str(q.q) === '' && q.zoek === undefined) return { values, search: null, errors: {} };
  if (values.q === '') errors.q = 'privacy.desk.errors.searchEmpty';
  else if (values.q.length > 254) errors.q = 'privacy.desk.errors.searchLong';
  else if (kind === 'email' && !z.string().email().safeParse(values.q).success) errors.q = 'privacy.desk.errors.email';
  else if (kind === 'phone' && (phoneDigits(values.q) ?? '').replace(/\D/g, '').length < 9)
    errors.q = 'privacy.desk.errors.phone';
  else if (kind === 'name' && values.q.length < 2) errors.q = 'privacy.desk.errors.nameShort';
  if (!kind || Object.keys(errors).length) return { values, search: null, errors };
  const value =
    kind === 'email'
      ? values.q.toLowerCase()
      : kind === 'phone'
        ? phoneDigits(values.q)!.replace(/\D/g, '').slice(-9)
        : values.q;
  return { values, search: { kind, value }, errors };
}

export const CORRECT_REASONS = ['art16_request', 'mistake', 'other'] as const;
export const ERASE_REASONS = ['art17_request', 'consent_withdrawn', 'unlawful', 'other'] as const;

const text = (max: number, key: string) => z.string().trim().max(max, key);
const optionalNormalised = (normalise: (v: string) => string | null, key: string) =>
  z
    .string()
    .trim()
    .transform((v, ctx) => {
      if (v === '') return null;
      const n = normalise(v);
      if (!n) ctx.addIssue({ code: 'custom', message: key });
      return n;
    });

/** The person's details as the portal's own forms check them (core/intake.ts). */
export function correctSchema(now: Date) {
  return z.object({
    name: text(200, 'privacy.desk.errors.nameTooLong').pipe(z.string().min(1, 'privacy.desk.errors.nameEmpty')),
    email: text(254, 'privacy.desk.errors.emailFormat')
      .refine((v) => v === '' || z.string().email().safeParse(v).success, 'privacy.desk.errors.emailFormat')
      .transform((v) => v || null),
    phone: text(30, 'privacy.desk.errors.phoneFormat')
      .refine((v) => v === '' || isPhoneNumber(v), 'privacy.desk.errors.phoneFormat')
      .transform((v) => v || null),
    street: text(200, 'privacy.desk.errors.streetTooLong').transform((v) => v || null),
    houseNumber: optionalNormalised(normalizeHouseNumber, 'privacy.desk.errors.houseNumberFormat'),
    postcode: optionalNormalised(normalizePostcode, 'privacy.desk.errors.postcodeFormat'),
    city: text(100, 'privacy.desk.errors.cityTooLong').transform((v) => v || null),
    dateOfBirth: text(40, 'privacy.desk.errors.dateOfBirth')
      .refine((v) => v === '' || isBirthDate(v, now), 'privacy.desk.errors.dateOfBirth')
      .transform((v) => (v === '' ? null : parseTypedDate(v))),
    reason: z.string().refine((v) => (CORRECT_REASONS as readonly string[]).includes(v), 'privacy.desk.errors.reason'),
  });
}
export type Correction = z.output<ReturnType<typeof correctSchema>>;
export const CORRECT_FIELDS = [
  'name',
  'email',
  'phone',
  'street',
  'houseNumber',
  'postcode',
  'city',
  'dateOfBirth',
] as const;

export const eraseSchema = z.object({
  reason: z.string().refine((v) => (ERASE_REASONS as readonly string[]).includes(v), 'privacy.desk.errors.reason'),
  confirm: z.string().refine((v) => v === 'yes', 'privacy.desk.errors.confirm'),
});

/** The audit log's filter as typed, and as a query when it fits. */
export interface LogFilter {
  residentId: number | null;
  staffId: number | null;
  action: string | null;
  /** 'yyyy-mm-dd', both days included. */
  from: string | null;
  to: string | null;
  page: number;
}

export function logFilterOf(query: unknown): {
  values: Record<string, string>;
  filter: LogFilter | null;
  errors: FieldErrors;
} {
  const q = (query ?? {}) as Record<string, unknown>;
  const values = {
    inwoner: str(q.inwoner).trim(),
    medewerker: str(q.medewerker).trim(),
    actie: str(q.actie).trim(),
    van: str(q.van).trim(),
    tot: str(q.tot).trim(),
  };
  const errors: FieldErrors = {};
  const id = (v: string, field: string) => {
    if (v === '') return null;
    if (!/^[1-9]\d{0,8}$/.test(v)) errors[field] = 'privacy.desk.errors.id';
    return Number(v);
  };
  const date = (v: string, field: string) => {
    if (v === '') return null;
    const d = parseTypedDate(v);
    if (!d) errors[field] = 'privacy.desk.errors.date';
    return d;
  };
  const residentId = id(values.inwoner, 'inwoner');
  const staffId = id(values.medewerker, 'medewerker');
  const from = date(values.van, 'van');
  const to = date(values.tot, 'tot');
  if (from && to && from > to) errors.tot = 'privacy.desk.errors.dateOrder';
  if (values.actie.length > 60 || /[^a-z_]/.test(values.actie)) errors.actie = 'privacy.desk.errors.action';
  const page = /^[1-9]\d{0,5}$/.test(str(q.pagina)) ? Number(q.pagina) : 1;
  if (Object.keys(errors).length) return { values, filter: null, errors };
  return { values, filter: { residentId, staffId, action: values.actie || null, from, to, page }, errors };
}

/** The filter as a query string (for the pages' links and the CSV link). */
export function logQuery(values: Record<string, string>, page?: number): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(values)) if (v) p.set(k, v);
  if (page && page > 1) p.set('pagina', String(page));
  return p.toString();
}
