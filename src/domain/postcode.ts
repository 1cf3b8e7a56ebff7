// Dutch postcodes: 4 digits (not starting with 0) and 2 letters. Residents type them in every
// way ("6811ab", "6811 AB", " 6811-ab "); we accept all of those.
export function normalizePostcode(input: string): string | null {
  const compact = input.replace(/[\s-]/g, '').toUpperCase();
  return /^[1-9][0-9]{3}[A-Z]{2}$/.test(compact) ? compact : null;
}

/** "6811AB" -> "6811 AB"; anything else (an anonymised "6811") as it is. */
export function displayPostcode(pc: string): string {
  return pc.length === 6 ? `${pc.slice(0, 4)} ${pc.slice(4)}` : pc;
}

/** House number with optional letter or addition: "12", "12a", "12-3", "12 bis". */
export function normalizeHouseNumber(input: string): string | null {
  const v = input.trim().replace(/\s+/g, ' ');
  return /^[1-9][0-9]{0,4}(?:[ -]?[A-Za-z0-9]{1,4})?$/.test(v) ? v : null;
}
