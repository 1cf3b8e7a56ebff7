// The wizard table of the public flows (core/wizard.ts): out-of-order pages, the next step, back
// links and step numbers, for the sign-up and the referral, without a database.
import { describe, expect, it } from 'vitest';
import { wizard } from '../src/core/wizard.js';
import { signupSteps } from '../src/features/booking/flow.js';
import { referralSteps } from '../src/features/referral/steps.js';
import type { Draft } from '../src/core/signup-draft.js';
import type { ReferralDraft } from '../src/features/referral/draft.js';

describe('the sign-up wizard', () => {
  const w = wizard(signupSteps);
  const asked: Draft = {
    key: 'k',
    postcode: '6811AB',
    teamId: 1,
    question: 'Schulden',
    dangerNow: false,
    urgent24h: false,
  };

  it('sends a page asked out of order to the first step not done', () => {
    expect(w.redirectFor(null, '/aanmelden')).toBeNull();
    expect(w.redirectFor(null, '/aanmelden/moment')).toBe('/aanmelden');
    expect(w.redirectFor({ key: 'k', postcode: '6811AB' }, '/aanmelden/gegevens')).toBe('/aanmelden/vraag');
    expect(w.redirectFor(asked, '/aanmelden/gegevens')).toBe('/aanmelden/moment');
    expect(w.redirectFor(asked, '/aanmelden/moment')).toBeNull();
  });

  it('takes the detours of the safety answers, and skips the calendar outside every area', () => {
    expect(w.redirectFor({ ...asked, dangerNow: true }, '/aanmelden/moment')).toBe('/aanmelden/gevaar');
    expect(w.redirectFor({ ...asked, urgent24h: true }, '/aanmelden/controleren')).toBe('/aanmelden/terugbellen');
    expect(w.forward({ ...asked, urgent24h: true }, '/aanmelden/vraag')).toBe('/aanmelden/terugbellen');
    // The call-back page needs only the question, whatever the answers.
    expect(w.redirectFor({ ...asked, urgent24h: true }, '/aanmelden/terugbellen')).toBeNull();
    expect(w.redirectFor({ key: 'k', postcode: '6811AB' }, '/aanmelden/terugbellen')).toBe('/aanmelden/vraag');
    const away = { ...asked, outOfArea: true, teamId: null };
    expect(w.forward(away, '/aanmelden/vraag')).toBe('/aanmelden/gegevens');
    expect(w.redirectFor(away, '/aanmelden/moment')).toBe('/aanmelden/gegevens');
    expect(w.backFrom(away, '/aanmelden/gegevens')).toBe('/aanmelden/vraag');
    expect(w.backFrom(asked, '/aanmelden/gegevens')).toBe('/aanmelden/moment');
  });

  it('numbers the steps "stap n van 5"', () => {
    expect(w.view(asked, '/aanmelden')).toEqual({ step: 1, totalSteps: 5, back: '/', returnQuery: '' });
    expect(w.view(asked, '/aanmelden/controleren')).toEqual({
      step: 5,
      totalSteps: 5,
      back: '/aanmelden/gegevens',
      returnQuery: '',
    });
    // With the check page's return marker: back to the check page, and the form keeps the marker.
    expect(w.view(asked, '/aanmelden/vraag', 'controleren')).toMatchObject({
      back: '/aanmelden/controleren',
      returnQuery: '?terug=controleren',
    });
    expect(w.view(asked, '/aanmelden/vraag', '//evil.example')).toMatchObject({ back: '/aanmelden', returnQuery: '' });
  });
});

describe('the referral wizard', () => {
  const w = wizard(referralSteps);
  const asked: ReferralDraft = {
    key: 'k',
    kind: 'huisarts',
    organisation: 'Praktijk',
    referrerName: 'Dr. Jansen',
    referrerPhone: '0261234567',
    referrerEmail: 'jansen@example.nl',
    consent: 'yes',
    consentForm: 'spoken',
    consentDate: '01-11-2026',
    feedback: true,
    name: 'Anna',
    postcode: '6811AB',
    houseNumber: '12',
    street: 'Steenstraat',
    teamId: 1,
    question: 'Schulden',
    dangerNow: false,
    urgent24h: false,
  };

  it('goes on after the question to the next step, the check when the team calls, or the 112 page', () => {
    expect(w.forward(asked, '/verwijzen/vraag')).toBe('/verwijzen/vervolg');
    expect(w.forward({ ...asked, urgent24h: true }, '/verwijzen/vraag')).toBe('/verwijzen/controleren');
    expect(w.forward({ ...asked, dangerNow: true }, '/verwijzen/vraag')).toBe('/verwijzen/gevaar');
    expect(w.forward({ ...asked, next: 'callback' }, '/verwijzen/vervolg')).toBe('/verwijzen/controleren');
    expect(w.forward({ ...asked, next: 'book' }, '/verwijzen/vervolg')).toBe('/verwijzen/moment');
  });

  it('sends skipped and out-of-order steps on, and links back past skipped steps', () => {
    expect(w.redirectFor({ ...asked, outOfArea: true }, '/verwijzen/vervolg')).toBe('/verwijzen/controleren');
    expect(w.redirectFor({ ...asked, next: 'book' }, '/verwijzen/controleren')).toBe('/verwijzen/moment');
    expect(w.redirectFor({ key: 'k', kind: 'huisarts' }, '/verwijzen/inwoner')).toBe('/verwijzen');
    expect(w.backFrom({ ...asked, urgent24h: true }, '/verwijzen/controleren')).toBe('/verwijzen/vraag');
    expect(w.backFrom({ ...asked, next: 'callback' }, '/verwijzen/controleren')).toBe('/verwijzen/vervolg');
    expect(w.view(asked, '/verwijzen/vervolg')).toMatchObject({ step: 5, totalSteps: 7 });
  });
});
