// Input rules of each sign-up step. Messages are locale keys, shown next to the field.
import { z } from 'zod';
import { normalizeHouseNumber, normalizePostcode } from '../domain/postcode.js';
import { isPhoneNumber } from '../domain/phone.js';
import { isBirthDate, parseTypedDate } from '../domain/typed-date.js';

export const QUESTION_MAX = 5000;
export const topics = ['parenting', 'money', 'housing', 'health', 'loneliness', 'work', 'care', 'other'] as const;
export const abouts = ['self', 'child', 'partner', 'parent', 'other'] as const;
export const modes = ['home', 'office', 'phone', 'video'] as const;
export const languages = ['nl', 'en', 'ar', 'tr', 'pl', 'uk', 'ti', 'other'] as const;

const text = (max: number, key: string) => z.string().trim().max(max, key);
const yesNo = (key: string) => z.enum(['yes', 'no'], { errorMap: () => ({ message: key }) });

/** A required field stored normalised (a postcode, a house number); the messages are locale keys. */
const normalisedField = (normalise: (v: string) => string | null) => (empty: string, format: string) =>
  z
    .string()
    .trim()
    .min(1, empty)
    .transform((v, ctx) => {
      const n = normalise(v);
      if (!n) ctx.addIssue({ code: 'custom', message: format });
      return n ?? '';
    });
/** A postcode ("1234 AB"), stored as "1234AB". */
export const postcodeField = normalisedField(normalizePostcode);
/** A house number ("12 a"), stored normalised. */
export const houseNumberField = normalisedField(normalizeHouseNumber);

/** The question in the resident's (or referrer's) own words. */
export const questionField = (empty: string, long: string) => z.string().trim().min(1, empty).max(QUESTION_MAX, long);

export const whereSchema = z.object({
  postcode: postcodeField('booking.errors.postcodeEmpty', 'booking.errors.postcodeFormat'),
  houseNumber: houseNumberField('booking.errors.houseNumberEmpty', 'booking.errors.houseNumberFormat'),
});

const asArray = (v: unknown) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

export const questionSchema = z.object({
  question: questionField('booking.errors.questionEmpty', 'booking.errors.questionTooLong'),
  topics: z.preprocess(asArray, z.array(z.enum(topics, { errorMap: () => ({ message: 'booking.errors.topic' }) }))),
  about: z.enum(abouts, { errorMap: () => ({ message: 'booking.errors.about' }) }),
  dangerNow: yesNo('booking.errors.dangerNow'),
  urgent24h: yesNo('booking.errors.urgent24h'),
});

/** The safety questions' answers as a draft keeps them, from the form's "yes"/"no". */
export const safetyAnswers = (v: { dangerNow: string; urgent24h: string }) => ({
  dangerNow: v.dangerNow === 'yes',
  urgent24h: v.urgent24h === 'yes',
});

const yn = (b: boolean | undefined) => (b === undefined ? '' : b ? 'yes' : 'no');
/** The safety questions as the form shows them again ('' when not answered yet). */
export const safetyValues = (d: { dangerNow?: boolean; urgent24h?: boolean }) => ({
  dangerNow: yn(d.dangerNow),
  urgent24h: yn(d.urgent24h),
});

export const callbackSchema = z.object({
  name: text(200, 'booking.errors.nameTooLong').pipe(z.string().min(1, 'booking.errors.nameEmpty')),
  phone: z.string().trim().min(1, 'booking.errors.phoneEmpty').refine(isPhoneNumber, 'booking.errors.phoneFormat'),
});

export const momentSchema = z.object({
  slot: z.string().min(1, 'booking.errors.slotEmpty').max(100, 'booking.errors.slotEmpty'),
  mode: z.enum(modes, { errorMap: () => ({ message: 'booking.errors.mode' }) }),
});

/** `phoneRequired`: the team will call (out of every area), so an email address alone is not enough. */
export function detailsSchema(needsAddress: boolean, now: Date, o: { phoneRequired?: boolean } = {}) {
  return z
    .object({
      name: text(200, 'booking.errors.nameTooLong').pipe(z.string().min(1, 'booking.errors.nameEmpty')),
      email: text(254, 'booking.errors.emailFormat').refine(
        (v) => v === '' || z.string().email().safeParse(v).success,
        'booking.errors.emailFormat',
      ),
      phone: text(30, 'booking.errors.phoneFormat').refine(
        (v) => v === '' || isPhoneNumber(v),
        'booking.errors.phoneFormat',
      ),
      street: text(200, 'booking.errors.streetTooLong'),
      city: text(100, 'booking.errors.cityTooLong'),
      // Refinements, not enum/literal: those abort the whole object, and then the checks below
      // (street, contact) would not run and the resident would meet their errors one by one.
      language: z
        .string()
        .refine(
          (v): v is (typeof languages)[number] => (languages as readonly string[]).includes(v),
          'booking.errors.language',
        ),
      interpreter: z.preprocess((v) => v === 'yes', z.boolean()),
      dateOfBirth: text(40, 'booking.errors.dateOfBirth').refine(
        (v) => v === '' || isBirthDate(v, now),
        'booking.errors.dateOfBirth',
      ),
      companion: text(200, 'booking.errors.companionTooLong'),
      consent: z.string().refine((v) => v === 'yes', 'booking.errors.consent'),
    })
    .superRefine((v, ctx) => {
      if (o.phoneRequired && v.phone === '')
        ctx.addIssue({ code: 'custom', path: ['phone'], message: 'booking.errors.phoneCallback' });
      else if (v.email === '' && v.phone === '') {
        ctx.addIssue({ code: 'custom', path: ['phone'], message: 'booking.errors.contactEmpty' });
        ctx.addIssue({ code: 'custom', path: ['email'], message: 'booking.errors.contactEmpty' });
      }
      if (needsAddress && v.street === '')
        ctx.addIssue({ code: 'custom', path: ['street'], message: 'booking.errors.streetEmpty' });
    });
}

/** A typed date as 'yyyy-mm-dd' (src/domain/typed-date.ts). */
export const parseBirthDate = parseTypedDate;
