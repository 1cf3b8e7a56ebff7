// A posted form as the form-body parser hands it over (plugins/input.ts has already refused bad
// bytes): a field sent once is a string, a field sent more than once (checkboxes) a list.
export type PostedForm = Record<string, string | string[] | undefined>;

/** A text field of the form; '' when it is absent (or, wrongly, sent more than once). */
export function textField(body: PostedForm, name: string): string {
  const v = body[name];
  return typeof v === 'string' ? v : '';
}

/** A field that may be sent more than once (checkboxes), as a list. */
export function listField(body: PostedForm, name: string): string[] {
  const v = body[name];
  return Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
}
