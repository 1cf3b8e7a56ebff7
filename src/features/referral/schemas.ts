// Input rules of each referral step. Messages are locale keys, shown next to the field. All
// checks of a step run at once (refinements, not enums that abort the object), so a referrer
// sees every problem of a page in one go.
import { z } from 'zod';
import { DateTime } from 'luxon';
import { local } from '../../domain/time.js';
import { houseNumberField, languages, parseBirthDate, postcodeField, questionField } from '../../core/intake.js';
import { isPhoneNumber } from '../../domain/phone.js';
import { isBirthDate } from '../../domain/typed-date.js';

export const kinds = [
  'huisarts',
  'poh_ggz',
  'jeugdarts',
  'school',
  'wijkverpleging',
  'veilig_thuis',
  'woningcorporatie',
  'other',
] as const;
export const schoolRoles = ['ib', 'teacher', 'care_coordinator'] as const;
export const consentForms = ['spoken', 'written'] as const;
/** Where a booked conversation takes place; 'referrer' is a 3-gesprek at the practice or school. */
export const places = ['home', 'office', 'phone', 'video', 'referrer'] as const;
export type Kind = (typeof kinds)[number];
export type Place = (typeof places)[number];

export const DONE_MAX = 2000;
export const REASON_MAX = 2000;
/** Consent older than this is asked again. */
export const CONSENT_MAX_DAYS = 365;

const oneOf = <T extends string>(list: readonly T[], key: string) =>
  z.string().refine((v): v is T => (list as readonly string[]).includes(v), key);
const required = (max: number, empty: string, long: string) =>
  z.string().trim().max(max, long).pipe(z.string().min(1, empty));
const optional = (max: number, long: string) => z.string().trim().max(max, long);
const yesNo = (key: string) => oneOf(['yes', 'no'] as const, key);

export const phoneRule = isPhoneNumber;
const emailRule = (v: string) => z.string().email().safeParse(v).success;

export const aboutYouSchema = z
  .object({
    kind: oneOf(kinds, 'referral.errors.kind'),
    schoolRole: z.string(),
    organisation: required(200, 'referral.errors.organisationEmpty', 'referral.errors.organisationTooLong'),
    referrerName: required(200, 'referral.errors.referrerNameEmpty', 'referral.errors.nameTooLong'),
    referrerPhone: z
      .string()
      .trim()
      .min(1, 'referral.errors.referrerPhoneEmpty')
      .refine(phoneRule, 'referral.errors.phoneFormat'),
    referrerEmail: z
      .string()
      .trim()
      .min(1, 'referral.errors.referrerEmailEmpty')
      .max(254, 'referral.errors.emailFormat')
      .refine(emailRule, 'referral.errors.emailFormat'),
    agbCode: z
      .string()
      .transform((v) => v.replace(/[\s.-]/g, ''))
      .refine((v) => v === '' || /^[0-9]{8}$/.test(v), 'referral.errors.agbFormat'),
  })
  .superRefine((v, ctx) => {
    if (v.kind === 'school' && !(schoolRoles as readonly string[]).includes(v.schoolRole))
      ctx.addIssue({ code: 'custom', path: ['schoolRole'], message: 'referral.errors.schoolRole' });
    if (v.kind !== 'school' && v.schoolRole !== '')
      ctx.addIssue({ code: 'custom', path: ['schoolRole'], message: 'referral.errors.schoolRoleOnlySchool' });
    if (v.agbCode !== '' && v.kind !== 'huisarts')
      ctx.addIssue({ code: 'custom', path: ['agbCode'], message: 'referral.errors.agbOnlyHuisarts' });
  });

/** "dd-mm-jjjj" (also with / or .) as an ISO date, or null. */
export const parseDate = parseBirthDate;

export function consentSchema(now: Date, kind: Kind) {
  const today = local(now).startOf('day');
  return z
    .object({
      consent: yesNo('referral.errors.consent'),
      consentForm: z.string(),
      consentDate: z.string().trim(),
      feedback: z.string(),
      noConsentReason: optional(REASON_MAX, 'referral.errors.reasonTooLong'),
    })
    .superRefine((v, ctx) => {
      const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
      if (v.consent === 'yes') {
        if (!(consentForms as readonly string[]).includes(v.consentForm))
          issue('consentForm', 'referral.errors.consentForm');
        const iso = parseDate(v.consentDate);
        if (v.consentDate === '') issue('consentDate', 'referral.errors.consentDateEmpty');
        else if (!iso) issue('consentDate', 'referral.errors.consentDateFormat');
        else if (DateTime.fromISO(iso, { zone: 'Europe/Amsterdam' }) > today)
          issue('consentDate', 'referral.errors.consentDateFuture');
        else if (DateTime.fromISO(iso, { zone: 'Europe/Amsterdam' }) < today.minus({ days: CONSENT_MAX_DAYS }))
          issue('consentDate', 'referral.errors.consentDateOld');
        if (v.feedback !== 'yes' && v.feedback !== 'no') issue('feedback', 'referral.errors.feedback');
      } else if (v.consent === 'no' && kind === 'veilig_thuis' && v.noConsentReason === '') {
        issue('noConsentReason', 'referral.errors.reasonEmpty');
      }
    });
}

export function residentSchema(now: Date) {
  return z
    .object({
      name: required(200, 'referral.errors.nameEmpty', 'referral.errors.nameTooLong'),
      phone: optional(30, 'referral.errors.phoneFormat').refine(
        (v) => v === '' || phoneRule(v),
        'referral.errors.phoneFormat',
      ),
      email: optional(254, 'referral.errors.emailFormat').refine(
        (v) => v === '' || emailRule(v),
        'referral.errors.emailFormat',
      ),
      postcode: postcodeField('referral.errors.postcodeEmpty', 'referral.errors.postcodeFormat'),
      houseNumber: houseNumberField('referral.errors.houseNumberEmpty', 'referral.errors.houseNumberFormat'),
      street: required(200, 'referral.errors.streetEmpty', 'referral.errors.streetTooLong'),
      city: optional(100, 'referral.errors.cityTooLong'),
      language: oneOf(languages, 'referral.errors.language'),
      interpreter: z.preprocess((v) => v === 'yes', z.boolean()),
      dateOfBirth: optional(40, 'referral.errors.dateOfBirth').refine(
        (v) => v === '' || isBirthDate(v, now),
        'referral.errors.dateOfBirth',
      ),
    })
    .superRefine((v, ctx) => {
      if (v.email === '' && v.phone === '') {
        ctx.addIssue({ code: 'custom', path: ['phone'], message: 'referral.errors.contactEmpty' });
        ctx.addIssue({ code: 'custom', path: ['email'], message: 'referral.errors.contactEmpty' });
      }
    });
}

export const questionSchema = z.object({
  question: questionField('referral.errors.questionEmpty', 'referral.errors.questionTooLong'),
  done: optional(DONE_MAX, 'referral.errors.doneTooLong'),
  dangerNow: yesNo('referral.errors.dangerNow'),
  urgent24h: yesNo('referral.errors.urgent24h'),
});

export const nextSchema = z.object({ next: oneOf(['book', 'callback'] as const, 'referral.errors.next') });

export const momentSchema = z
  .object({
    slot: z.string().min(1, 'referral.errors.slotEmpty').max(100, 'referral.errors.slotEmpty'),
    place: oneOf(places, 'referral.errors.place'),
    threeWay: z.string(),
    location: optional(300, 'referral.errors.locationTooLong'),
  })
  .superRefine((v, ctx) => {
    if (v.place === 'referrer' && v.location === '')
      ctx.addIssue({ code: 'custom', path: ['location'], message: 'referral.errors.locationEmpty' });
  });

/** The form's string fields by name ('' when absent or not a string). */
export function pick(body: unknown, names: readonly string[]): Record<string, string> {
  const b = (body ?? {}) as Record<string, unknown>;
  return Object.fromEntries(names.map((n) => [n, typeof b[n] === 'string' ? (b[n] as string) : '']));
}
