// Phone numbers as people write them: "(026) 377 2001", "06-12345678", "+31 (0)6 1234 5678",
// "0031 26 377 2001", and foreign numbers that start with + or 00. Stored as typed (trimmed), so
// staff read the number the way the resident gave it; phoneDigits gives one form to compare.

/** The number in one form: "+31612345678" for Dutch numbers, "+" and digits for others; null when it is not a phone number. */
export function phoneDigits(raw: string): string | null {
  // "+31 (0)6 ...": the (0) is the trunk prefix written for people calling from inside the country.
  const v = raw.trim().replace(/^(\+|00)\s*31\s*\(0\)/, '+31');
  if (!/^\+?[0-9 ()./-]+$/.test(v)) return null;
  const digits = v.replace(/\D/g, '');
  const international = v.startsWith('+') ? digits : digits.startsWith('00') ? digits.slice(2) : null;
  if (international !== null) {
    if (international.startsWith('31')) return dutch(`0${international.slice(2)}`);
    // E.164: a country code and at most 15 digits in all.
    return international.length >= 8 && international.length <= 15 && !international.startsWith('0')
      ? `+${international}`
      : null;
  }
  return digits.startsWith('0') ? dutch(digits) : null;
}

/** A Dutch number: 0 and nine digits (landline or mobile), or a 0800/0900 service number. */
function dutch(national: string): string | null {
  if (/^0[1-9]\d{8}$/.test(national)) return `+31${national.slice(1)}`;
  if (/^0[89]0[069]\d{4,7}$/.test(national)) return `+31${national.slice(1)}`;
  return null;
}

export function isPhoneNumber(raw: string): boolean {
  return phoneDigits(raw) !== null;
}
