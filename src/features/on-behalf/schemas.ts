// Input rules of booking on behalf: the public flow's rules (core/intake.ts) on one page,
// plus the channel. All checks run at once, so staff see every problem in one go. The public
// flow's messages speak to the resident ("uw naam"); here each key has a staff wording.
import { z } from 'zod';
import { normalizeHouseNumber, normalizePostcode } from '../../domain/postcode.js';
import { detailsSchema, momentSchema, questionSchema } from '../../core/intake.js';
import { fieldErrors, type FieldErrors } from '../../core/forms.js';

export const channels = ['phone', 'walkin'] as const;
export type StaffChannel = (typeof channels)[number];
/** The slot value for "no time now: put the resident on the call-back list". */
export const CALLBACK_SLOT = 'callback';

/** The form's fields in the order of the page (topics, a list, aside). */
export const fieldNames = [
  'channel',
  'name',
  'phone',
  'email',
  'postcode',
  'houseNumber',
  'street',
  'city',
  'language',
  'interpreter',
  'dateOfBirth',
  'companion',
  'question',
  'about',
  'dangerNow',
  'urgent24h',
  'slot',
  'mode',
  'consent',
] as const;
export type Values = Record<(typeof fieldNames)[number], string> & { topics: string[] };

export interface Parsed {
  channel: StaffChannel;
  postcode: string | null;
  houseNumber: string | null;
  details: z.infer<ReturnType<typeof detailsSchema>>;
  question: z.infer<typeof questionSchema>;
  /** null: no appointment now (urgent, or on the call-back list). */
  slot: string | null;
  mode: z.infer<typeof momentSchema>['mode'];
  urgent: boolean;
}

/** The order of the fields on the page (the team first), so the error summary reads top to bottom. */
const pageOrder: string[] = ['teamId', ...fieldNames.flatMap((n) => (n === 'question' ? [n, 'topics'] : [n]))];

const staffWording = (errors: FieldErrors): FieldErrors =>
  Object.fromEntries(
    Object.entries(errors)
      .sort(([a], [b]) => pageOrder.indexOf(a) - pageOrder.indexOf(b))
      .map(([k, v]) => [k, v.replace(/^booking\.errors\./, 'onbehalf.errors.')]),
  );

export function parseOnBehalf(v: Values, now: Date): { ok: true; data: Parsed } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  if (!(channels as readonly string[]).includes(v.channel)) errors.channel = 'onbehalf.errors.channel';

  // The schemas read their own fields of the form and leave the others.
  const question = questionSchema.safeParse(v);
  if (!question.success) Object.assign(errors, fieldErrors(question.error));
  if (v.dangerNow === 'yes') errors.dangerNow = 'onbehalf.errors.dangerYes';
  const urgent = v.urgent24h === 'yes';

  // Urgent: no calendar, the team calls back today (as in the public flow).
  const moment = urgent ? null : momentSchema.safeParse({ slot: v.slot, mode: v.mode || 'home' });
  if (moment && !moment.success) Object.assign(errors, fieldErrors(moment.error));
  const onList = urgent || v.slot === CALLBACK_SLOT;
  const needsAddress = !onList && (v.mode || 'home') === 'home';

  const postcode = v.postcode.trim() ? normalizePostcode(v.postcode) : null;
  if (v.postcode.trim() && !postcode) errors.postcode = 'onbehalf.errors.postcodeFormat';
  if (!v.postcode.trim() && needsAddress) errors.postcode = 'onbehalf.errors.postcodeEmpty';
  const houseNumber = v.houseNumber.trim() ? normalizeHouseNumber(v.houseNumber) : null;
  if (v.houseNumber.trim() && !houseNumber) errors.houseNumber = 'onbehalf.errors.houseNumberFormat';
  if (!v.houseNumber.trim() && needsAddress) errors.houseNumber = 'onbehalf.errors.houseNumberEmpty';

  const details = detailsSchema(needsAddress, now).safeParse(v);
  if (!details.success) Object.assign(errors, fieldErrors(details.error));

  if (Object.keys(errors).length || !question.success || !details.success)
    return { ok: false, errors: staffWording(errors) };
  return {
    ok: true,
    data: {
      channel: v.channel as StaffChannel,
      postcode,
      houseNumber,
      details: details.data,
      question: question.data,
      slot: onList ? null : v.slot,
      mode: moment?.success ? moment.data.mode : 'home',
      urgent,
    },
  };
}

/** A random idempotency key from the form, or null when it is not one we made. */
export function formKey(v: unknown): string | null {
  return typeof v === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(v) ? v : null;
}
