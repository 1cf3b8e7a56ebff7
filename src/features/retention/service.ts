// The retention job (issue 17): what the live terms (core/retention-settings.ts) make due is
// purged or anonymised, category by category, in batches of one transaction each, so a run
// that stops half-way leaves only whole batches and the next run carries on (anonymised_at and
// purged_at mark what is done). The terms count back from the app's clock in Amsterdam's
// calendar. A dry run counts the same conditions and changes nothing.
import { DateTime } from 'luxon';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { Db } from '../../core/db.js';
import { anonymiseRequests } from '../../core/anonymise.js';
import { audit } from '../../core/audit.js';
import { deletePurgedMailFiles } from '../../core/mail/mail-files.js';
import { pruneAudit } from '../../core/audit-chain.js';
import { emailHash, phoneHash } from '../../core/pseudonym.js';
import { loadRetention } from '../../core/retention-settings.js';
import { ZONE } from '../../domain/time.js';
import type { RetentionTerms } from '../../domain/retention.js';
import {
  auditCount,
  countOf,
  dueCancelled,
  dueClosed,
  hashCount,
  mailCount,
  nextIds,
  perTeam,
  purgeMails,
  residentsWithoutHashes,
  setHashes,
  teamNames,
  type Cutoffs,
} from './repository.js';

export const BATCH = 200;

export interface RetentionCounts {
  mailBodiesPurged: number;
  cancelledSignupsAnonymised: number;
  closedRequestsAnonymised: number;
  auditEntriesPruned: number;
  hashesFilled: number;
}

export function cutoffsFor(terms: RetentionTerms, now: Date): Cutoffs {
  const local = DateTime.fromJSDate(now, { zone: ZONE });
  return {
    mailBodies: local.minus({ days: terms.mailBodyDays }).toJSDate(),
    cancelledSignups: local.minus({ months: terms.cancelledSignupMonths }).toJSDate(),
    closedRequests: local.minus({ months: terms.closedRequestMonths }).toJSDate(),
    audit: local.minus({ years: terms.auditYears }).toJSDate(),
  };
}

/** What a run at `now` would do, counted with the same conditions. */
async function countDue(db: Db, c: Cutoffs): Promise<RetentionCounts> {
  return {
    mailBodiesPurged: await mailCount(db, c.mailBodies),
    cancelledSignupsAnonymised: await countOf(dueCancelled(db, c.cancelledSignups)),
    closedRequestsAnonymised: await countOf(dueClosed(db, c.closedRequests)),
    auditEntriesPruned: await auditCount(db, c.audit),
    hashesFilled: await hashCount(db),
  };
}

/** Residents without their keyed hashes get them (those written before the hashes, or without the key). */
async function fillHashes(db: Kysely<Database>): Promise<number> {
  let filled = 0;
  let after = 0;
  for (;;) {
    const rows = await residentsWithoutHashes(db, after, BATCH);
    if (rows.length === 0) return filled;
    const changed = rows
      .map((r) => ({
        id: r.id,
        emailHash: r.email_hash ?? emailHash(r.email),
        phoneHash: r.phone_hash ?? phoneHash(r.phone),
      }))
      .filter((r, i) => r.emailHash !== rows[i]!.email_hash || r.phoneHash !== rows[i]!.phone_hash);
    await setHashes(db, changed);
    filled += changed.length;
    after = rows[rows.length - 1]!.id;
  }
}

/** Anonymises, batch by batch, the requests `due` finds. */
async function anonymiseDue(
  db: Kysely<Database>,
  due: (db: Db) => Parameters<typeof nextIds>[0],
  now: Date,
): Promise<number> {
  let done = 0;
  for (;;) {
    const n = await db.transaction().execute(async (trx) => {
      const ids = await nextIds(due(trx), BATCH);
      return ids.length === 0 ? null : anonymiseRequests(trx, ids, now);
    });
    if (n === null) return done;
    done += n;
  }
}

/** What a run did; with a mail folder also how many mail files it deleted. */
export type RetentionDone = RetentionCounts & { mailFilesDeleted?: number };

/**
 * Runs retention at `now` (or, with dryRun, counts what it would do). With `mailDir` the run
 * ends by deleting the mail file of every outbox row whose text is purged (this run's, an
 * earlier run's, an anonymised or erased person's) or that no longer exists. The dry run does
 * not count files: which mails anonymising purges is known only when it runs.
 */
export async function runRetention(
  db: Kysely<Database>,
  now: Date,
  opts: { dryRun: boolean; mailDir?: string | null },
): Promise<RetentionDone> {
  const c = cutoffsFor(await loadRetention(db), now);
  if (opts.dryRun) return countDue(db, c);
  const hashesFilled = await fillHashes(db);
  let mailBodiesPurged = 0;
  for (;;) {
    const n = await db.transaction().execute((trx) => purgeMails(trx, c.mailBodies, now, BATCH));
    mailBodiesPurged += n;
    if (n < BATCH) break;
  }
  const cancelledSignupsAnonymised = await anonymiseDue(db, (x) => dueCancelled(x, c.cancelledSignups), now);
  const closedRequestsAnonymised = await anonymiseDue(db, (x) => dueClosed(x, c.closedRequests), now);
  const auditEntriesPruned = await db.transaction().execute((trx) => pruneAudit(trx, c.audit));
  const done: RetentionDone = {
    mailBodiesPurged,
    cancelledSignupsAnonymised,
    closedRequestsAnonymised,
    auditEntriesPruned,
    hashesFilled,
    ...(opts.mailDir ? { mailFilesDeleted: await deletePurgedMailFiles(db, opts.mailDir) } : {}),
  };
  // What a run did, in counts only.
  if (Object.values(done).some((n) => n > 0))
    await audit(db, { action: 'retention_run', detail: { ...done }, at: now });
  return done;
}

export interface RetentionPreview {
  terms: RetentionTerms;
  counts: RetentionCounts;
  teams: { name: string | null; cancelled: number; closed: number }[];
}

/** The dry run as the admin page shows it: the counts, and the requests per team (no names). */
export async function previewRetention(db: Kysely<Database>, now: Date): Promise<RetentionPreview> {
  const terms = await loadRetention(db);
  const c = cutoffsFor(terms, now);
  const counts = await countDue(db, c);
  const names = await teamNames(db);
  const byTeam = new Map<number | null, { cancelled: number; closed: number }>();
  const add = (rows: { teamId: number | null; n: number }[], k: 'cancelled' | 'closed') => {
    for (const r of rows) {
      const t = byTeam.get(r.teamId) ?? { cancelled: 0, closed: 0 };
      t[k] += r.n;
      byTeam.set(r.teamId, t);
    }
  };
  add(await perTeam(dueCancelled(db, c.cancelledSignups)), 'cancelled');
  add(await perTeam(dueClosed(db, c.closedRequests)), 'closed');
  const teams = [...byTeam]
    .map(([id, t]) => ({ name: id === null ? null : (names.get(id) ?? null), ...t }))
    .sort((a, b) => (a.name ?? '~').localeCompare(b.name ?? '~'));
  return { terms, counts, teams };
}
