// Where a conversation takes place: the one rule every mail, page, agenda and calendar entry uses.
// A 3-gesprek at the practice or school is stored as mode 'office' with the referrer's address
// (`referrer_location`); only then is the place the referrer's, never the team's office.
import type { AppointmentMode } from '../../db/schema.js';
import type { Translate } from '../i18n.js';
import { displayPostcode, normalizePostcode } from '../../domain/postcode.js';

export type PlaceKind = 'home' | 'office' | 'referrer' | 'phone' | 'video';

export interface Place {
  kind: PlaceKind;
  /** The address to go to; null for phone and video (and a home without a known address). */
  address: string | null;
}

export interface PlaceFields {
  mode: AppointmentMode;
  street?: string | null;
  house_number?: string | null;
  postcode?: string | null;
  city?: string | null;
  office_address?: string | null;
  referrer_location?: string | null;
}

/** A postcode as pages show it ("6811 AB"); anything else (such as the 4 digits kept after anonymising) as stored. */
function postcodeText(pc: string | null | undefined): string | null {
  if (!pc) return null;
  const normal = normalizePostcode(pc);
  return normal ? displayPostcode(normal) : pc.trim() || null;
}

export function placeOf(a: PlaceFields): Place {
  if (a.mode === 'office' && a.referrer_location) return { kind: 'referrer', address: a.referrer_location };
  switch (a.mode) {
    case 'home': {
      const line1 = [a.street, a.house_number].filter(Boolean).join(' ');
      const line2 = [postcodeText(a.postcode), a.city].filter(Boolean).join(' ');
      return { kind: 'home', address: [line1, line2].filter(Boolean).join(', ') || null };
    }
    case 'office':
      return { kind: 'office', address: a.office_address || null };
    default:
      return { kind: a.mode, address: null };
  }
}

/** The place as a resident or referrer reads it in a mail: "bij u thuis, Kerkstraat 1, …". */
export function placeText(t: Translate, a: PlaceFields): string {
  const p = placeOf(a);
  return t(`mail.place.${p.kind}`, { address: p.address ?? '—' });
}

/**
 * The place as a page, an agenda or a coach's mail shows it: "Bij de verwijzer: …". A mail leaves
 * our control, so it names a resident's home without the address (`homeAddress: false`).
 */
export function placeLine(t: Translate, a: PlaceFields, opts: { homeAddress?: boolean } = {}): string {
  const p = placeOf(a);
  const address = p.kind === 'home' && opts.homeAddress === false ? null : p.address;
  return address ? t(`mail.placeLine.${p.kind}`, { address }) : t(`mail.placeKind.${p.kind}`);
}

/** The address for a calendar entry's LOCATION: only a place to go to. */
export function placeLocation(a: PlaceFields): string | null {
  return placeOf(a).address;
}
