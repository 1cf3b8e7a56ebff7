// The referral's steps as a wizard table (core/wizard.ts): what each needs from the draft, which
// are skipped when the team calls instead of a booked time, and the danger page's detour.
import type { WizardTable } from '../../core/wizard.js';
import type { ReferralDraft } from './draft.js';

/** No calendar: urgent (the team calls today), outside every area, or the referrer chose a call. */
export function isCallback(d: ReferralDraft): boolean {
  return d.urgent24h === true || d.outOfArea === true || d.next === 'callback';
}

export const referralSteps: WizardTable<ReferralDraft> = {
  home: '/',
  steps: [
    {
      url: '/verwijzen',
      done: (d) => Boolean(d.kind && d.organisation && d.referrerName && d.referrerPhone && d.referrerEmail),
    },
    {
      url: '/verwijzen/toestemming',
      done: (d) =>
        (d.consent === 'yes' && Boolean(d.consentForm && d.consentDate) && d.feedback !== undefined) ||
        (d.consent === 'no' && d.kind === 'veilig_thuis' && Boolean(d.noConsentReason)),
    },
    { url: '/verwijzen/inwoner', done: (d) => Boolean(d.name && d.postcode && d.houseNumber && d.street) },
    {
      url: '/verwijzen/vraag',
      done: (d) => Boolean(d.question) && d.dangerNow !== undefined && d.urgent24h !== undefined,
      detour: (d) => (d.dangerNow ? '/verwijzen/gevaar' : null),
    },
    // Urgent or outside every area: the team calls, nothing to choose.
    {
      url: '/verwijzen/vervolg',
      done: (d) => Boolean(d.next),
      skip: (d) => d.urgent24h === true || d.outOfArea === true,
    },
    { url: '/verwijzen/moment', done: (d) => Boolean(d.slot && d.place), skip: isCallback },
    { url: '/verwijzen/controleren', done: () => false },
  ],
};
