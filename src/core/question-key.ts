// The keys the residents' questions are encrypted with, for this process. buildApp loads them
// from the configuration (config.questionKeys) before any route runs; the command-line tools do
// the same. One set per process: every app a process builds uses the configured keys.
//
// sealQuestion on every write of request.question, openQuestion on every read of it.
import type { TextKeys } from '../config.js';
import { decryptText, encryptText } from './secret-text.js';

let loaded: TextKeys | null = null;

/** Loads the key set of this process (the first key writes, all read). */
export function useQuestionKeys(keys: TextKeys): void {
  if (keys.length === 0) throw new Error('No key for the questions: QUESTION_KEYS is empty');
  loaded = keys;
}

/** The loaded key set; throws when none was loaded (a write must never fall back to plain text). */
export function questionKeys(): TextKeys {
  if (!loaded) throw new Error('No key for the questions loaded (QUESTION_KEYS): call useQuestionKeys first');
  return loaded;
}

/** The question as it is stored: encrypted with the first key. */
export function sealQuestion(plain: string): string {
  return encryptText(questionKeys(), plain);
}

/** The question as it was typed, from its stored form (plain text stored before encryption: as it is). */
export function openQuestion(stored: string): string {
  return decryptText(questionKeys(), stored);
}

/** A stored question that may be absent (a row without one, or a column not selected). */
export function openQuestionOrNull(stored: string | null | undefined): string | null {
  return stored == null ? null : openQuestion(stored);
}
