// Statements with a long, fixed text that run on every booking: on a server database each
// connection prepares them once, by name, and afterwards sends only the parameters. This saves
// sending and parsing the text each time; the statements and their results stay the same.
import { createHash } from 'node:crypto';

const names = new Map<string, string>();

/** Marks a statement's text (as compiled, with $1, $2, ... for parameters) to be prepared. */
export function keepPrepared(text: string): void {
  if (!names.has(text)) names.set(text, `kt_${createHash('sha256').update(text).digest('hex').slice(0, 32)}`);
}

/** The name a marked statement is prepared under; undefined for every other text. */
export function preparedName(text: string): string | undefined {
  return names.get(text);
}
