// A sent mail keeps no working secret link. The outbox row of a mail rendered when it was queued
// holds its body (text, html, calendar file); as soon as the SMTP server took it (markSent), the
// secret part of every link that opens something without logging in is replaced by a marker:
// the manage link (/afspraak/…), the referrer's status link (/verwijzen/status/…), the return
// link (/opnieuw/…), the rebooking link of a cancelled appointment (/aanmelden/nieuw/…), the
// staff's set-password and unlock links (/medewerker/wachtwoord/…, /medewerker/ontgrendelen/…)
// and a calendar feed (/agenda/….ics). The rest of the mail stays as it was sent. Mails rendered
// just before sending (core/mail/later.ts) store no body; their token leaves the payload then.
import { sql, type RawBuilder } from 'kysely';

/** What a secret path segment becomes once the mail is sent. */
export const REDACTED = '[link verwijderd]';

/** The paths whose next segment is a secret, as a POSIX regular expression (PostgreSQL's too). */
const SECRET_PATHS = [
  'afspraak',
  'opnieuw',
  'verwijzen/status',
  'aanmelden/nieuw',
  'medewerker/wachtwoord',
  'medewerker/ontgrendelen',
];

/** The secret segment: letters, digits and the few marks a token or HMAC reference uses. */
export const SECRET_LINK = `(/(${SECRET_PATHS.join('|')})/)[A-Za-z0-9._~%-]+`;
export const SECRET_FEED = `(/agenda/)[A-Za-z0-9_-]+\\.ics`;

/** The same replacement in the application (used by tests and anything that redacts a text itself). */
export function redactSecretLinks(text: string, calendar = false): string {
  return (calendar ? text.replace(/\r\n[ \t]/g, '') : text)
    .replace(new RegExp(SECRET_LINK, 'g'), `$1${REDACTED}`)
    .replace(new RegExp(SECRET_FEED, 'g'), `$1${REDACTED}`);
}

/**
 * A column's text with its secret links replaced (null stays null). The folded lines of the
 * calendar file (a line break followed by a space) are joined first, so a link split over two
 * lines is found whole.
 */
export function redactedColumn(column: 'body_text' | 'body_html' | 'ics'): RawBuilder<string | null> {
  const unfolded = column === 'ics' ? sql`regexp_replace(ics, ${'\r\n[ \t]'}, '', 'g')` : sql.ref(column);
  const links = sql`regexp_replace(${unfolded}, ${SECRET_LINK}, ${`\\1${REDACTED}`}, 'g')`;
  return sql<string | null>`regexp_replace(${links}, ${SECRET_FEED}, ${`\\1${REDACTED}`}, 'g')`;
}
