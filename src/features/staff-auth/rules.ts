// What a new staff password must be: at least PASSWORD_MIN characters (a sentence of a few
// words is strong and easy to remember), at most PASSWORD_MAX, typed the same twice, and not on
// a list of breached and much-used passwords. No rules about kinds of characters.
export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 200;

// The breached-password check (ASVS 2.1.7) runs locally, so the servers need no outside
// network: the common-password dictionary of zxcvbn-ts, about 49,000 entries taken from leaked
// password lists, of which only the ones the length rule would otherwise allow are kept.
// Loaded on first use: most requests never set a password.
let common: Promise<Set<string>> | null = null;

async function loadCommon(): Promise<Set<string>> {
  const { dictionary } = await import('@zxcvbn-ts/language-common');
  const words = (dictionary as Record<string, string[]>)['passwords-common'] ?? [];
  return new Set(words.filter((w) => w.length >= PASSWORD_MIN).map((w) => w.toLowerCase()));
}

export async function isCommonPassword(password: string): Promise<boolean> {
  common ??= loadCommon();
  return (await common).has(password.toLowerCase());
}

/** The first problem with a new password, as a message at its field; null when it may be used. */
export async function newPasswordProblem(
  password: string,
  repeat: string,
): Promise<{ field: 'password' | 'repeat'; message: string } | null> {
  if (password.length < PASSWORD_MIN) return { field: 'password', message: 'staff.errors.passwordShort' };
  if (password.length > PASSWORD_MAX) return { field: 'password', message: 'staff.errors.passwordLong' };
  if (await isCommonPassword(password)) return { field: 'password', message: 'staff.errors.passwordCommon' };
  if (password !== repeat) return { field: 'repeat', message: 'staff.errors.passwordRepeat' };
  return null;
}
