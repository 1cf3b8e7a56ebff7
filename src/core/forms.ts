// Form helpers shared by every form: zod issues as one message per field.
import type { z } from 'zod';
import { isKtError, ktError, type KtError } from '../errors.js';

export type FieldErrors = Record<string, string>;

export function fieldErrors(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? 'form');
    out[field] ??= issue.message;
  }
  return out;
}

/** The codes of a refused action, by the status it answers with. */
const actionCodes = { 400: 'KT_ACTION_REFUSED', 403: 'KT_ACTION_FORBIDDEN', 409: 'KT_ACTION_CONFLICT' } as const;
export type ActionError = KtError<(typeof actionCodes)[keyof typeof actionCodes]>;

/**
 * A refused action: a message (locale key) shown at a field of the page. 400: the input does not
 * fit the record; 403: not for this person; 409: the record is no longer in that state.
 */
export function actionError(field: string, key: string, status: keyof typeof actionCodes = 400): ActionError {
  return ktError(actionCodes[status], { field, key }, key);
}

/** True for a refused action of any status; narrows to ActionError. */
export function isActionError(err: unknown): err is ActionError {
  return isKtError(err, ...Object.values(actionCodes));
}
