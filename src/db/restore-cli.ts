// npm run restore -- FILE [--force]: loads a backup made by npm run backup into the embedded
// database folder (DATA_DIR/pg). Refuses while a portal or another command uses the data folder,
// and never deletes a database: with --force the one that is there is moved aside.
import fs from 'node:fs';
import path from 'node:path';
import { configOrFail, fail, stopWith } from './cli-start.js';
import { describeSummary, restoreInto } from './backup.js';
import { lockEmbeddedOrExit } from './data-dir-lock.js';

// Ctrl-C: end through process.exit, so the lock is released by its exit handler.
stopWith('Restore stopped; the data folder was not changed.');

const args = process.argv.slice(2);
const force = args.includes('--force');
const files = args.filter((a) => a !== '--force');
if (files.length !== 1 || files[0]!.startsWith('-')) fail('Usage: npm run restore -- FILE [--force]');

const config = configOrFail();
if (config.database.kind !== 'embedded' || !config.database.dataDir) {
  fail('npm run restore is for the embedded database; restore a PostgreSQL server with pg_restore (see README).');
}
const pgDir = config.database.dataDir;
const file = path.resolve(files[0]!);
if (!fs.existsSync(file)) fail(`Cannot restore: ${file} does not exist.`);

const lock = await lockEmbeddedOrExit(config, 'npm run restore', 'Cannot restore');
const occupied = fs.existsSync(pgDir) && fs.readdirSync(pgDir).length > 0;
if (occupied && !force)
  fail(`Cannot restore: ${pgDir} already holds a database; add --force to move it aside first (nothing is deleted).`);

// Loaded next to the folder first: a backup that cannot be loaded leaves everything as it was.
const incoming = `${pgDir}.restoring-${process.pid}`;
process.on('exit', () => fs.rmSync(incoming, { recursive: true, force: true }));
fs.mkdirSync(incoming, { recursive: true });
let summary;
try {
  summary = await restoreInto(fs.readFileSync(file), incoming);
} catch (err) {
  fail(
    `Cannot restore: ${file} could not be loaded as a backup (${err instanceof Error ? err.message : String(err)}).`,
  );
}

let aside: string | null = null;
if (occupied) {
  const stamp = new Date().toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
  aside = `${pgDir}.before-restore-${stamp}`;
  fs.renameSync(pgDir, aside);
} else {
  if (fs.existsSync(pgDir)) fs.rmdirSync(pgDir); // an empty folder
}
fs.renameSync(incoming, pgDir);
lock?.release();
const kept = aside ? ` The database that was there is now in ${aside}.` : '';
console.log(`Restored ${file} into ${pgDir}: ${describeSummary(summary)}.${kept}`);
