// Dates as people type them in a form: "31-12-1980", "31/12/1980", "31.12.1980", "31 12 1980",
// "31121980", "1980-12-31", "31 december 1980", "31 dec. 1980", "December 31, 1980". Spaces
// around and inside are forgiven; a date that does not exist (31-02-1980) is refused.
import { DateTime } from 'luxon';

const MONTHS: Record<string, number> = {};
for (const [i, names] of [
  ['januari', 'january', 'jan'],
  ['februari', 'february', 'feb'],
  ['maart', 'march', 'mrt', 'mar'],
  ['april', 'apr'],
  ['mei', 'may'],
  ['juni', 'june', 'jun'],
  ['juli', 'july', 'jul'],
  ['augustus', 'august', 'aug'],
  ['september', 'sep', 'sept'],
  ['oktober', 'october', 'okt', 'oct'],
  ['november', 'nov'],
  ['december', 'dec'],
].entries()) {
  for (const name of names) MONTHS[name] = i + 1;
}

const NUMERIC_DMY = /^(\d{1,2})\s*[-/.\s]\s*(\d{1,2})\s*[-/.\s]\s*(\d{4})$/;
const COMPACT_DMY = /^(\d{2})(\d{2})(\d{4})$/;
const ISO_YMD = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;
const NAMED_DMY = /^(\d{1,2})\.?\s+([a-z]+)\.?\s+(\d{4})$/;
const NAMED_MDY = /^([a-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})$/;

/** The date as 'yyyy-mm-dd', or null when the text is not a date that exists. */
export function parseTypedDate(raw: string): string | null {
  const v = raw.trim().toLowerCase().replace(/\s+/g, ' ');
  let day: string | undefined;
  let month: number | undefined;
  let year: string | undefined;
  let m: RegExpExecArray | null;
  if ((m = NUMERIC_DMY.exec(v) ?? COMPACT_DMY.exec(v))) [day, month, year] = [m[1], Number(m[2]), m[3]];
  else if ((m = ISO_YMD.exec(v))) [year, month, day] = [m[1], Number(m[2]), m[3]];
  else if ((m = NAMED_DMY.exec(v))) [day, month, year] = [m[1], MONTHS[m[2]!], m[3]];
  else if ((m = NAMED_MDY.exec(v))) [month, day, year] = [MONTHS[m[1]!], m[2], m[3]];
  if (day === undefined || month === undefined || year === undefined) return null;
  const d = DateTime.fromObject({ day: Number(day), month, year: Number(year) });
  return d.isValid ? d.toISODate() : null;
}

/** A date of birth: a real date, not after `now` and at most 120 years before it. */
export function isBirthDate(raw: string, now: Date): boolean {
  const iso = parseTypedDate(raw);
  if (!iso) return false;
  const d = DateTime.fromISO(iso);
  const today = DateTime.fromJSDate(now);
  return d <= today && d >= today.minus({ years: 120 });
}
