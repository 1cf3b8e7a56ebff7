// npm run audit:verify: recomputes the hash of every audit entry (core/audit-chain.ts) and says
// whether the log is whole. Exit code 0: the chain is intact; 1: an entry was altered, removed
// or inserted (the first one is named), or the check could not run. Reads only.
import { loadConfig } from '../config.js';
import { verifyAuditChain } from '../core/audit-chain.js';
import { openDatabase } from './client.js';
import { lockEmbeddedOrExit } from './data-dir-lock.js';

const config = loadConfig();
const lock = await lockEmbeddedOrExit(config, 'npm run audit:verify', 'Cannot verify the audit log');
const handle = await openDatabase(config.database);
let code = 0;
try {
  const r = await verifyAuditChain(handle.db);
  const start = r.checkpoint
    ? `from the checkpoint after entry ${r.checkpoint.lastId} (${r.checkpoint.removed} older entries removed by pruning, last on ${r.checkpoint.prunedAt.toISOString()})`
    : 'from the first entry';
  if (r.ok) {
    console.log(`Audit log intact: ${r.checked} entries checked ${start}.`);
    console.log(`Head hash: ${r.head ?? '(empty log)'}`);
  } else {
    code = 1;
    console.error(`Audit log BROKEN at entry ${r.firstBad} (${r.problem}): ${r.reason}.`);
    console.error(`${r.checked} entries before it checked ${start}.`);
  }
} catch (err) {
  code = 1;
  const missing = err instanceof Error && /audit_checkpoint|hash/.test(err.message);
  console.error(
    missing
      ? 'Cannot verify the audit log: the database is not migrated yet (run npm run migrate).'
      : `Cannot verify the audit log: ${err instanceof Error ? err.message : String(err)}.`,
  );
} finally {
  await handle.close();
  lock?.release();
}
process.exit(code);
