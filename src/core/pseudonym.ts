// The keyed hashes of a resident's e-mail address and phone number (resident.email_hash,
// phone_hash): what stays of them once the resident is anonymised, so a returning resident
// can still be recognised by the address they type, while the stored value alone (or a
// database dump) reveals nothing without the key. The key comes from configuration
// (PSEUDONYM_KEY, else derived from the session secret); the app sets it once at start.
import { createHmac, hkdfSync } from 'node:crypto';
import { phoneDigits } from '../domain/phone.js';

let key: Buffer | null = null;

/** The key: PSEUDONYM_KEY when configured, else derived (HKDF-SHA256) from the session secret. */
export function pseudonymKeyFrom(config: { pseudonymKey: string | null; sessionSecret: string }): Buffer {
  if (config.pseudonymKey) return Buffer.from(config.pseudonymKey, 'utf8');
  return Buffer.from(hkdfSync('sha256', config.sessionSecret, 'keukentafel', 'resident-pseudonym', 32));
}

export function setPseudonymKey(k: Buffer): void {
  key = k;
}

/** Null while no key is set (code run outside the app): the retention job fills it later. */
function hmac(kind: string, value: string): string | null {
  if (!key) return null;
  return createHmac('sha256', key).update(`${kind}:${value}`).digest('hex');
}

/** An e-mail address as it is compared: trimmed, lower case. */
export function emailHash(email: string | null | undefined): string | null {
  const v = (email ?? '').trim().toLowerCase();
  return v ? hmac('email', v) : null;
}

/** A phone number in its one form (phoneDigits), else as typed without spaces. */
export function phoneHash(phone: string | null | undefined): string | null {
  const raw = (phone ?? '').trim();
  if (!raw) return null;
  return hmac('phone', phoneDigits(raw) ?? raw.replace(/\s+/g, ''));
}
