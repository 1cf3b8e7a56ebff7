// The encryption of free text (core/secret-text.ts) and its keys (config.ts QUESTION_KEYS): a round
// trip, a changed ciphertext refused, an unknown key named, legacy plain text passed through, and
// the key's configuration (refused in production on a server database, a file of its own on the
// embedded one). Also the marker that replaces a secret link in a sent mail (outbox-redact.ts).
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseQuestionKeys, type TextKeys } from '../../src/config.js';
import {
  SecretTextError,
  decryptText,
  encryptText,
  formatTextKeys,
  isSealed,
  isSealedWith,
  newTextKey,
} from '../../src/core/secret-text.js';
import { REDACTED, redactSecretLinks } from '../../src/core/mail/outbox-redact.js';

const keyText = (id: string) => `${id}:${randomBytes(32).toString('base64')}`;
const A = parseQuestionKeys(keyText('a'));
const B = parseQuestionKeys(keyText('b'));
const BA: TextKeys = [...B, ...A];
const TEXT = 'Ik heb schulden — €2.300 — en mijn zoon (12) slaapt slecht. 🙁';

describe('encrypting free text', () => {
  it('round trip: what is stored names the key and reveals nothing; reading gives the text back', () => {
    const stored = encryptText(A, TEXT);
    expect(stored).toMatch(/^kt1:a:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]+$/);
    expect(stored).not.toContain('schulden');
    expect(isSealed(stored)).toBe(true);
    expect(isSealedWith(A, stored)).toBe(true);
    expect(isSealedWith(BA, stored)).toBe(false);
    expect(decryptText(A, stored)).toBe(TEXT);
    // A fresh IV every time: the same text never gives the same stored value.
    expect(encryptText(A, TEXT)).not.toBe(stored);
    expect(decryptText(A, encryptText(A, ''))).toBe('');
  });

  it('refuses a changed ciphertext, IV or tag (GCM), with a message that names the key', () => {
    const stored = encryptText(A, TEXT);
    const [prefix, id, iv, body] = stored.split(':');
    const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
    const changed = [
      [prefix, id, iv, flip(body!, 3)],
      [prefix, id, iv, flip(body!, body!.length - 2)],
      [prefix, id, flip(iv!, 0), body],
    ].map((p) => p.join(':'));
    for (const c of changed) {
      expect(() => decryptText(A, c)).toThrow(SecretTextError);
      expect(() => decryptText(A, c)).toThrow('does not match key "a": it was changed or damaged');
    }
    // Written with key a, relabelled as key b: b cannot open it either.
    expect(() => decryptText(BA, stored.replace('kt1:a:', 'kt1:b:'))).toThrow(SecretTextError);
    expect(() => decryptText(A, `kt1:a:${iv}`)).toThrow('wrong shape');
    expect(() => decryptText(A, `kt1:a:${iv}:${body}:x`)).toThrow('wrong shape');
    expect(() => decryptText(A, `kt1:a:AAAA:${body}`)).toThrow('wrong length');
  });

  it('says which key is missing when a value was written with a key that is not loaded', () => {
    const stored = encryptText(B, TEXT);
    expect(() => decryptText(A, stored)).toThrow(SecretTextError);
    expect(() => decryptText(A, stored)).toThrow('encrypted text uses key "b", which is not among the loaded keys');
  });

  it('reads with every key of the set and writes with the first', () => {
    const old = encryptText(A, TEXT);
    expect(decryptText(BA, old)).toBe(TEXT);
    expect(encryptText(BA, TEXT).startsWith('kt1:b:')).toBe(true);
  });

  it('passes legacy plain text (stored before encryption) through as it is', () => {
    expect(decryptText(A, 'Hulp bij geld')).toBe('Hulp bij geld');
    expect(decryptText(A, '')).toBe('');
    expect(isSealed('Hulp bij geld')).toBe(false);
  });

  it('writes a key set in the form it reads', () => {
    expect(parseQuestionKeys(formatTextKeys(BA))).toEqual(BA);
    const k = newTextKey('k2');
    expect(k.key).toHaveLength(32);
    expect(() => newTextKey('no:colon')).toThrow(SecretTextError);
  });
});

describe('QUESTION_KEYS', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('reads several keys, the first one writing; refuses bad ones without showing a key', () => {
    const text = `${keyText('new')}, ${keyText('old_1')}`;
    expect(parseQuestionKeys(text).map((k) => k.id)).toEqual(['new', 'old_1']);
    const secret = randomBytes(16).toString('base64');
    const cases: [string, string][] = [
      ['', 'must hold at least one key'],
      [`a:${secret}`, 'key "a" must be 32 bytes'],
      [`:${randomBytes(32).toString('base64')}`, 'must start with an id'],
      [`a b:${randomBytes(32).toString('base64')}`, 'must start with an id'],
      [`${keyText('a')},${keyText('a')}`, 'two keys with the same id'],
    ];
    for (const [value, message] of cases) {
      let error: unknown;
      try {
        parseQuestionKeys(value);
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toContain('Invalid configuration: QUESTION_KEYS');
      expect((error as Error).message).toContain(message);
      expect((error as Error).message).not.toContain(secret);
    }
  });

  it('is required in production with a server database, with a message that says so', () => {
    const env = {
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://kt@db/kt',
      SESSION_SECRET: 'x'.repeat(40),
      PUBLIC_URL: 'https://wijkteam.example.nl',
    };
    expect(() => loadConfig(env)).toThrow(
      'Invalid configuration: QUESTION_KEYS is required when DATABASE_URL is set in production',
    );
    const keys = keyText('p1');
    expect(loadConfig({ ...env, QUESTION_KEYS: keys }).questionKeys.map((k) => k.id)).toEqual(['p1']);
    expect(() => loadConfig({ ...env, QUESTION_KEYS: 'p1:short' })).toThrow('QUESTION_KEYS key "p1" must be 32 bytes');
    expect(() => loadConfig({ ...env, QUESTION_KEYS: 'p1:short' })).toThrow(ConfigError);
  });

  it('on the embedded database without it: a key file in DATA_DIR, made once (owner only) and read again', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kt-key-'));
    dirs.push(dir);
    const first = loadConfig({ NODE_ENV: 'production', DATA_DIR: dir, SESSION_SECRET: 'x'.repeat(40) });
    const file = path.join(dir, 'question-key');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toMatch(/^k1:[A-Za-z0-9+/]{43}=\n$/);
    const again = loadConfig({ NODE_ENV: 'development', DATA_DIR: dir });
    expect(again.questionKeys).toEqual(first.questionKeys);
    // QUESTION_KEYS wins over the file.
    expect(
      loadConfig({ NODE_ENV: 'development', DATA_DIR: dir, QUESTION_KEYS: keyText('env') }).questionKeys[0]!.id,
    ).toBe('env');
  });

  it('tests run with one fixed key and write no file', () => {
    const a = loadConfig({ NODE_ENV: 'test' });
    const b = loadConfig({ NODE_ENV: 'test' });
    expect(a.questionKeys).toEqual(b.questionKeys);
    expect(a.questionKeys[0]!.id).toBe('test');
  });
});

describe('a sent mail keeps no secret link', () => {
  it('replaces the secret segment of every link that opens something without logging in', () => {
    const token = 'Q4UMaCO8aIjpjj0Int45QbfhvVTAXPrwncQdPv8x2Yo';
    const text = [
      `Bekijk: https://wijkteam.example.nl/afspraak/${token}.`,
      `Verzetten: https://wijkteam.example.nl/afspraak/${token}/verzetten`,
      `Status: https://wijkteam.example.nl/verwijzen/status/${token}`,
      `Opnieuw: https://wijkteam.example.nl/opnieuw/${token}`,
      `Nieuw: https://wijkteam.example.nl/aanmelden/nieuw/12.${token.slice(0, 32)}`,
      `Wachtwoord: https://wijkteam.example.nl/medewerker/wachtwoord/${token}`,
      `Ontgrendelen: https://wijkteam.example.nl/medewerker/ontgrendelen/${token}`,
      `Agenda: https://wijkteam.example.nl/agenda/${token}.ics`,
      'Team: https://wijkteam.example.nl/medewerker/afspraken/42 en https://wijkteam.example.nl/aanmelden',
    ].join('\n');
    const out = redactSecretLinks(text);
    expect(out).not.toContain(token.slice(0, 20));
    expect(out).toContain(`/afspraak/${REDACTED}/verzetten`);
    expect(out).toContain(`/agenda/${REDACTED}`);
    expect(out).toContain(`/aanmelden/nieuw/${REDACTED}`);
    // Links without a secret stay as they were.
    expect(out).toContain('/medewerker/afspraken/42 en https://wijkteam.example.nl/aanmelden');
    // A calendar file's folded line is joined first, so a link split over two lines goes too.
    const folded = `URL:https://wijkteam.example.nl/afspraak/${token.slice(0, 10)}\r\n ${token.slice(10)}\r\n`;
    expect(redactSecretLinks(folded, true)).toBe(`URL:https://wijkteam.example.nl/afspraak/${REDACTED}\r\n`);
  });
});
