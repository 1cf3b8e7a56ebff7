// The audit log's hash chain (migrations/20261202T1000-audit-chain.ts): when its transaction
// commits, every entry gets its number in the chain (seq), the hash of the entry before it and
// its own. Checking it here does not trust the database's own function: each hash is computed
// again with node:crypto from the stored fields, in chain order, from the checkpoint that pruning
// left, a batch at a time.
//
// What it finds: an entry whose content no longer matches its hash (altered), an entry missing
// between two others or at the start (removed), and an entry that was put in between or written
// outside the chain (inserted). Entries removed from the very end leave no trace in what remains;
// the head hash it reports can be noted elsewhere and compared with the next run.
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from './db.js';

export type AuditProblem = 'altered' | 'removed' | 'inserted';

export interface AuditVerifyResult {
  ok: boolean;
  /** Entries checked. */
  checked: number;
  /** The id of the first entry that does not fit, or null. */
  firstBad: number | null;
  problem?: AuditProblem;
  reason?: string;
  /** The newest entry's hash: the chain's head, as far as it was checked. */
  head: string | null;
  /** Where checking started: the last removed entry (or null when nothing was ever removed). */
  checkpoint: { lastSeq: number; lastId: number; removed: number; prunedAt: Date } | null;
}

/** The stored entry as hashed: the instant in epoch microseconds and the detail as jsonb's own text. */
export interface ChainRow {
  seq: string;
  id: number;
  at_us: string;
  actor_staff_id: number | null;
  action: string;
  subject_type: string | null;
  subject_id: number | null;
  team_id: number | null;
  detail: string;
  prev_hash: string | null;
  hash: string | null;
}

const BATCH = 5000;

/** One field of the hashed text: its length in UTF-8 bytes, a colon and the value; '-' for null. */
function field(v: string | number | null): string {
  if (v === null) return '-';
  const s = String(v);
  return `${Buffer.byteLength(s, 'utf8')}:${s}`;
}

/** The hash of an entry given the hash before it, as the database's audit_entry_hash computes it. */
export function entryHash(row: Omit<ChainRow, 'prev_hash' | 'hash'>, prev: string | null): string {
  const text = [
    'audit-v1',
    field(row.seq),
    field(row.id),
    field(row.at_us),
    field(row.actor_staff_id),
    field(row.action),
    field(row.subject_type),
    field(row.subject_id),
    field(row.team_id),
    field(row.detail),
    field(prev),
  ].join('|');
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

async function readBatch(db: Db, afterSeq: string): Promise<ChainRow[]> {
  const { rows } = await sql<ChainRow>`
    select seq::text as seq, id, (extract(epoch from at) * 1000000)::bigint::text as at_us, actor_staff_id, action,
      subject_type, subject_id, team_id, detail::text as detail, prev_hash, hash
    from audit_event where audit_event.seq > ${afterSeq}::bigint order by audit_event.seq limit ${BATCH}`.execute(db);
  return rows;
}

/**
 * Checks the whole chain; stops at the first entry that does not fit. Call it outside a
 * transaction that writes audit entries: those are sealed only when it commits.
 */
export async function verifyAuditChain(db: Db): Promise<AuditVerifyResult> {
  const cp = await db
    .selectFrom('audit_checkpoint')
    .select(['last_seq', 'last_id', 'last_hash', 'removed', 'pruned_at'])
    .executeTakeFirst();
  const checkpoint = cp
    ? { lastSeq: Number(cp.last_seq), lastId: cp.last_id, removed: Number(cp.removed), prunedAt: cp.pruned_at }
    : null;
  let expected: string | null = cp?.last_hash ?? null;
  let previous: ChainRow | null = null;
  let checked = 0;
  let after = String(cp?.last_seq ?? 0);
  const bad = (firstBad: number, problem: AuditProblem, reason: string): AuditVerifyResult => ({
    ok: false,
    checked,
    firstBad,
    problem,
    reason,
    head: expected,
    checkpoint,
  });
  // Committed entries are always sealed: one without a number was written past the database's rules.
  const outside = await db
    .selectFrom('audit_event')
    .select('id')
    .where('seq', 'is', null)
    .orderBy('id')
    .executeTakeFirst();
  for (;;) {
    const rows = await readBatch(db, after);
    for (const row of rows) {
      const problem = check(row, previous, expected);
      if (problem) return bad(...problem);
      expected = row.hash;
      previous = row;
      checked++;
    }
    if (rows.length < BATCH) break;
    after = rows[rows.length - 1]!.seq;
  }
  if (outside)
    return bad(
      outside.id,
      'inserted',
      `entry ${outside.id} is outside the chain: it was written with the rules switched off`,
    );
  return { ok: true, checked, firstBad: null, head: expected, checkpoint };
}

/** What is wrong with this entry, given the one before it and the hash it should link to. */
function check(
  row: ChainRow,
  previous: ChainRow | null,
  expected: string | null,
): [number, AuditProblem, string] | null {
  if (entryHash(row, row.prev_hash) !== row.hash)
    return [row.id, 'altered', `entry ${row.id} does not match its hash: it was changed after it was written`];
  if (row.prev_hash === expected) return null;
  if (previous && row.prev_hash === previous.prev_hash)
    return [previous.id, 'inserted', `entry ${previous.id} was put in before entry ${row.id} afterwards`];
  if (!previous)
    return [row.id, 'removed', `the chain does not start where it should: an entry before ${row.id} is missing`];
  return [
    row.id,
    'removed',
    `the link from entry ${previous.id} to ${row.id} is broken: an entry between them is missing (or entry ${previous.id} was rewritten with a new hash)`,
  ];
}

/**
 * Removes the audit entries older than `before`, from the start of the chain up to the first entry
 * that is not older, through the database's audit_prune (the only way to remove any). Returns how
 * many were removed; verifying then starts at the checkpoint it records.
 */
export async function pruneAudit(trx: Db, before: Date): Promise<number> {
  const { rows } = await sql<{ n: string | number }>`select audit_prune(${before}) as n`.execute(trx);
  return Number(rows[0]?.n ?? 0);
}
