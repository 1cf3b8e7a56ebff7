// Mail bodies are plain text written as Eta templates in views/mail/ (one per mail or family of
// mails, shared pieces in views/mail/partials/). The code gathers the data; the template lays out
// the lines. Every text still comes from the locale files: a template gets the translator `t`
// and the date formatters `f` of the mail's language.
import path from 'node:path';
import { Eta } from 'eta';
import { viewsDir } from '../../paths.js';
import { formatters } from '../../domain/time.js';
import { translator, type Locale } from '../i18n.js';

export const mailViewsDir = path.join(viewsDir, 'mail');

const eta = new Eta({
  views: mailViewsDir,
  // Plain text: an escaped "&" would reach the reader as "&amp;".
  autoEscape: false,
  // The line breaks are the mail's own: only a tag written `-%>` eats the one after it.
  autoTrim: false,
  // Templates are files of the repository: read once per process.
  cache: true,
  // A file's final line break ends the file, not the text: a mail ends on its last line, and a
  // partial fits on the line that includes it.
  plugins: [{ processTemplate: (text: string) => text.replace(/\r?\n$/, '') }],
});

/** The body of a mail: `template` is a path under views/mail/ without '.eta'. */
export function mailText(template: string, locale: Locale, data: Record<string, unknown> = {}): string {
  return eta.render(template, { ...data, t: translator(locale), f: formatters(locale) });
}
