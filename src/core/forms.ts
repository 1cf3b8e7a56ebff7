// Form helpers shared by every form: zod issues as one message per field.
import type { z } from 'zod';

export type FieldErrors = Record<string, string>;

export function fieldErrors(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? 'form');
    out[field] ??= issue.message;
  }
  return out;
}

/** A refused action: a message (locale key) shown at a field of the page, with a status. */
export class ActionError extends Error {
  constructor(
    readonly field: string,
    readonly key: string,
    readonly status = 400,
  ) {
    super(key);
  }
}
