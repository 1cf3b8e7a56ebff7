// Input rules of the appointment page's forms. Messages are locale keys shown at the field;
// field names are unique across the page's forms, so one error summary serves them all.
import { z } from 'zod';
import { modes } from '../../core/intake.js';

export const NOTE_MAX = 2000;
export const outcomes = ['held', 'no_show', 'cancelled'] as const;
export const results = ['solved', 'advice_only', 'plan_made', 'referred_on', 'support_continues'] as const;

const note = (field: string) =>
  z
    .string({ required_error: `appointments.errors.${field}Empty` })
    .trim()
    .min(1, `appointments.errors.${field}Empty`)
    .max(NOTE_MAX, `appointments.errors.${field}TooLong`);

/** '' (nobody) or a staff id. */
const optionalId = (key: string) =>
  z
    .string()
    .default('')
    .refine((v) => v === '' || /^\d{1,9}$/.test(v), key)
    .transform((v) => (v === '' ? null : Number(v)));

export const calledSchema = z.object({ callNote: note('callNote') });

/** The ways of meeting staff can choose; 'referrer' (a 3-gesprek's place) only where there is one. */
export const modeChoices = [...modes, 'referrer'] as const;

export const modeSchema = z.object({
  mode: z
    .string()
    .default('')
    .refine(
      (v): v is (typeof modeChoices)[number] => (modeChoices as readonly string[]).includes(v),
      'appointments.errors.mode',
    ),
  solo: optionalId('appointments.errors.solo'),
});

export const outcomeSchema = z
  .object({
    outcome: z
      .string()
      .default('')
      .refine(
        (v): v is (typeof outcomes)[number] => (outcomes as readonly string[]).includes(v),
        'appointments.errors.outcome',
      ),
    result: z
      .string()
      .default('')
      .refine(
        (v): v is (typeof results)[number] | '' => v === '' || (results as readonly string[]).includes(v),
        'appointments.errors.result',
      ),
  })
  .superRefine((v, ctx) => {
    if (v.outcome === 'held' && v.result === '')
      ctx.addIssue({ code: 'custom', path: ['result'], message: 'appointments.errors.resultEmpty' });
  });

export const leadSchema = z.object({
  leadCoach: z
    .string()
    .default('')
    .refine((v) => /^\d{1,9}$/.test(v), 'appointments.errors.leadCoach')
    .transform(Number),
  /** Optional note for the coach who takes over (never mailed). */
  leadNote: z.string().trim().max(NOTE_MAX, 'appointments.errors.leadNoteTooLong').default(''),
});

export const closeSchema = z.object({ closeNote: note('closeNote') });

/** The form fields as typed, for showing them again after an error. */
export function keepValues(body: unknown, names: string[]): Record<string, string> {
  const b = (body ?? {}) as Record<string, unknown>;
  return Object.fromEntries(names.map((n) => [n, typeof b[n] === 'string' ? (b[n] as string) : '']));
}
