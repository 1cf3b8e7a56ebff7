// Free text encrypted at rest (AES-256-GCM), so that a copy of the database alone does not reveal
// what residents wrote. A stored value names the key it was written with:
//
//   kt1:<key id>:<iv, base64url>:<ciphertext followed by the 16-byte tag, base64url>
//
// The first key of a set writes; every key of the set reads, so a new key can be put first while
// rows written with the old one are still readable (and then re-encrypted: db/question-key-cli.ts).
// A value without the prefix was stored before encryption existed and is returned as it is.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { TextKey, TextKeys } from '../config.js';

export const SEALED_PREFIX = 'kt1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
const KEY_ID = /^[A-Za-z0-9_-]{1,16}$/;

// The keys themselves are read with the configuration (config.ts: QUESTION_KEYS).
export type { TextKey, TextKeys };

export class SecretTextError extends Error {}

/** The text form of a key set (what QUESTION_KEYS holds). */
export function formatTextKeys(keys: TextKeys): string {
  return keys.map((k) => `${k.id}:${k.key.toString('base64')}`).join(',');
}

/** A new random key with the given id. */
export function newTextKey(id: string): TextKey {
  if (!KEY_ID.test(id)) throw new SecretTextError('a key id is 1-16 letters, digits, - or _');
  return { id, key: randomBytes(KEY_BYTES) };
}

/** Whether a stored value is encrypted (with any key). */
export function isSealed(stored: string): boolean {
  return stored.startsWith(SEALED_PREFIX);
}

/** Whether a stored value is encrypted with the key that writes now (nothing to re-encrypt). */
export function isSealedWith(keys: TextKeys, stored: string): boolean {
  return stored.startsWith(`${SEALED_PREFIX}${keys[0]!.id}:`);
}

export function encryptText(keys: TextKeys, plain: string): string {
  const k = keys[0];
  if (!k) throw new SecretTextError('no key to encrypt with');
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', k.key, iv);
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return `${SEALED_PREFIX}${k.id}:${iv.toString('base64url')}:${body.toString('base64url')}`;
}

/**
 * The plain text of a stored value. Legacy plain text comes back as it is; a value written with a
 * key that is not in the set, or changed after it was written, throws SecretTextError.
 */
export function decryptText(keys: TextKeys, stored: string): string {
  if (!isSealed(stored)) return stored;
  const [id, ivText, bodyText, extra] = stored.slice(SEALED_PREFIX.length).split(':');
  if (id === undefined || ivText === undefined || bodyText === undefined || extra !== undefined) {
    throw new SecretTextError('encrypted text is damaged (wrong shape)');
  }
  const k = keys.find((x) => x.id === id);
  if (!k) throw new SecretTextError(`encrypted text uses key "${id}", which is not among the loaded keys`);
  const iv = Buffer.from(ivText, 'base64url');
  const body = Buffer.from(bodyText, 'base64url');
  if (iv.length !== IV_BYTES || body.length < TAG_BYTES) {
    throw new SecretTextError('encrypted text is damaged (wrong length)');
  }
  const decipher = createDecipheriv('aes-256-gcm', k.key, iv);
  decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(body.subarray(0, body.length - TAG_BYTES)), decipher.final()]).toString(
      'utf8',
    );
  } catch {
    throw new SecretTextError(`encrypted text does not match key "${id}": it was changed or damaged`);
  }
}
