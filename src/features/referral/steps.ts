// The order of the referral steps and what each needs from the steps before it. A page asked
// for out of order sends the referrer to the first step that is not done yet.
import type { ReferralDraft } from './draft.js';

export const STEP_URLS = [
  '/verwijzen',
  '/verwijzen/toestemming',
  '/verwijzen/inwoner',
  '/verwijzen/vraag',
  '/verwijzen/vervolg',
  '/verwijzen/moment',
  '/verwijzen/controleren',
] as const;
export type StepUrl = (typeof STEP_URLS)[number];
export const TOTAL_STEPS = STEP_URLS.length;

/** No calendar: urgent (the team calls today), outside every area, or the referrer chose a call. */
export function isCallback(d: ReferralDraft): boolean {
  return d.urgent24h === true || d.outOfArea === true || d.next === 'callback';
}

const done: ((d: ReferralDraft) => boolean)[] = [
  (d) => Boolean(d.kind && d.organisation && d.referrerName && d.referrerPhone && d.referrerEmail),
  (d) =>
    (d.consent === 'yes' && Boolean(d.consentForm && d.consentDate) && d.feedback !== undefined) ||
    (d.consent === 'no' && d.kind === 'veilig_thuis' && Boolean(d.noConsentReason)),
  (d) => Boolean(d.name && d.postcode && d.houseNumber && d.street),
  (d) => Boolean(d.question) && d.dangerNow === false && d.urgent24h !== undefined,
  (d) => isCallback(d) || d.next === 'book',
  (d) => isCallback(d) || Boolean(d.slot && d.place),
];

/** Where to go instead of step `index`, or null when every earlier step is done. */
export function redirectFor(d: ReferralDraft | null, index: number): string | null {
  if (!d) return STEP_URLS[0];
  for (let i = 0; i < index && i < done.length; i++) {
    if (!done[i]!(d)) return i === 3 && d.dangerNow === true ? '/verwijzen/gevaar' : STEP_URLS[i]!;
  }
  return null;
}

/** The step after `index`: the calendar steps are skipped when the team calls. */
export function nextAfter(d: ReferralDraft, index: number): string {
  if (index === 3 && (d.urgent24h === true || d.outOfArea === true)) return '/verwijzen/controleren';
  if (index === 4 && isCallback(d)) return '/verwijzen/controleren';
  return STEP_URLS[index + 1] ?? '/verwijzen/controleren';
}

/** The back link of a step. */
export function backFrom(d: ReferralDraft, index: number): string {
  if (index === 6 && isCallback(d)) return d.urgent24h || d.outOfArea ? '/verwijzen/vraag' : '/verwijzen/vervolg';
  return STEP_URLS[Math.max(0, index - 1)]!;
}
