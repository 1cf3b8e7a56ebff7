// The privacy desk's files: a person's data as JSON (art. 15), and the audit log as CSV for Dutch
// Excel (UTF-8 with a byte order mark, ";" between cells, CRLF line ends).
import { stringify } from 'csv-stringify/sync';
import { local } from '../../domain/time.js';
import type { Translate } from '../../core/i18n.js';
import type { LogEntry } from './audit-repository.js';
import type { Dossier } from './service.js';

/** The consents the person gave, per request (what the request records of them). */
export function consentsOf(d: Dossier) {
  return d.requests.map((q) => ({
    request_id: q.id,
    processing_at: q.consent_processing_at,
    referrer_form: q.consent_referrer_form,
    referrer_at: q.consent_referrer_at,
    feedback_to_referrer: q.consent_feedback,
    no_consent_reason: q.no_consent_reason,
  }));
}

/**
 * Who viewed the case: the audit entries that show someone opened one of the person's records, or
 * saw them in a list (a page, or a coach's calendar app fetching the feed).
 */
export const isView = (e: LogEntry) => /(_viewed|_listed|_opened|_exported|_export)$/.test(e.action);

/** An entry as the person's page shows it: list views of one day taken together. */
export type ShownEntry = LogEntry & { count: number; lastAt: Date };

/**
 * The entries for the person's page, oldest first. A list that named the case ('case_listed':
 * the queue, an agenda, a calendar app fetching the feed every hour) is one line per staff
 * member, page, record and day, with how often and until when; every other entry stays its own
 * line. The JSON file keeps every entry.
 */
export function shownEntries(entries: LogEntry[]): ShownEntry[] {
  const out: ShownEntry[] = [];
  const open = new Map<string, ShownEntry>();
  for (const e of entries) {
    if (e.action !== 'case_listed') {
      out.push({ ...e, count: 1, lastAt: e.at });
      continue;
    }
    const day = local(e.at).toISODate();
    const key = [e.actor_staff_id, String(e.detail?.page), e.subject_type, e.subject_id, day].join('|');
    const seen = open.get(key);
    if (seen) {
      seen.count += 1;
      seen.lastAt = e.at;
    } else {
      const row = { ...e, count: 1, lastAt: e.at };
      open.set(key, row);
      out.push(row);
    }
  }
  return out;
}

const auditRow = (e: LogEntry) => ({
  id: e.id,
  at: e.at,
  action: e.action,
  staff_id: e.actor_staff_id,
  staff_name: e.staff_name,
  staff_role: e.staff_role,
  subject_type: e.subject_type,
  subject_id: e.subject_id,
  team: e.team_name,
  detail: e.detail,
});

/** Every row about the person, as one JSON document. */
export function dossierJson(d: Dossier, now: Date, municipality: string): string {
  return JSON.stringify(
    {
      about: 'AVG art. 15',
      municipality,
      exported_at: now,
      resident: d.resident,
      requests: d.requests,
      appointments: d.appointments,
      referrers: d.referrers,
      consents: consentsOf(d),
      mails: d.mails,
      return_links: d.returnLinks,
      audit: d.audit.map(auditRow),
    },
    null,
    2,
  );
}

/** A text cell Excel would read as a formula (=, +, -, @, tab, return at the start) gets a quote first. */
const safeText = (s: string) => (/^[=+\-@\t\r]/.test(s) ? `'${s}` : s);

export function logCsv(rows: LogEntry[], t: Translate): string {
  const header = ['at', 'action', 'staff', 'role', 'subjectType', 'subjectId', 'team', 'detail'].map((c) =>
    t(`privacy.desk.log.columns.${c}`),
  );
  const body = rows.map((e) => [
    local(e.at).toFormat('yyyy-LL-dd HH:mm:ss'),
    safeText(e.action),
    safeText(e.staff_name ?? ''),
    e.staff_role ? t(`staff.roles.${e.staff_role}`) : '',
    safeText(e.subject_type ?? ''),
    e.subject_id === null ? '' : String(e.subject_id),
    safeText(e.team_name ?? ''),
    safeText(JSON.stringify(e.detail ?? {})),
  ]);
  return stringify([header, ...body], { bom: true, delimiter: ';', record_delimiter: 'windows' });
}
