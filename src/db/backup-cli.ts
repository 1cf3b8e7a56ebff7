// npm run backup -- [FILE]: a tar.gz of the embedded database, checked by opening it again.
// While the portal runs, it makes the copy (see backup-channel.ts); otherwise this command
// takes the data folder's lock and reads the folder itself.
import fs from 'node:fs';
import path from 'node:path';
import { configOrFail, fail, stopWith } from './cli-start.js';
import { NoChannelError, requestSnapshot } from './backup-channel.js';
import { describeSummary, dumpFolder, inspectBackup } from './backup.js';
import { acquireDataDirLock, DataDirInUseError } from './data-dir-lock.js';

// Ctrl-C: end through process.exit, so the lock, the copy and a half-written file are removed.
stopWith('Backup stopped; nothing was written.');

const args = process.argv.slice(2);
if (args.length > 1 || args.some((a) => a.startsWith('-'))) fail('Usage: npm run backup -- [FILE]');

const config = configOrFail();
if (config.database.kind !== 'embedded' || !config.database.dataDir || !config.dataDir) {
  fail('npm run backup is for the embedded database; back up a PostgreSQL server with pg_dump -Fc (see README).');
}
const dataDir = config.dataDir;
const pgDir = config.database.dataDir;
const stamp = new Date().toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
const file = path.resolve(args[0] ?? `keukentafel-backup-${stamp}.tar.gz`);
if (fs.existsSync(file)) fail(`Cannot back up: ${file} already exists; name another file.`);

let data: Buffer;
let source: string;
try {
  const lock = await acquireDataDirLock(dataDir, 'npm run backup');
  try {
    if (!fs.existsSync(path.join(pgDir, 'PG_VERSION'))) fail(`Cannot back up: there is no database in ${pgDir}.`);
    data = await dumpFolder(pgDir);
  } finally {
    lock.release();
  }
  source = 'portal not running';
} catch (err) {
  if (!(err instanceof DataDirInUseError)) throw err;
  let folder: string;
  try {
    folder = await requestSnapshot(dataDir);
  } catch (e) {
    if (e instanceof NoChannelError)
      fail(`Cannot back up: ${err.message}, which takes no backup requests; try again when it has finished.`);
    fail(`Cannot back up: ${e instanceof Error ? e.message : String(e)}.`);
  }
  const copy = folder;
  process.on('exit', () => fs.rmSync(copy, { recursive: true, force: true }));
  try {
    data = await dumpFolder(path.join(copy, 'pg'));
  } finally {
    fs.rmSync(copy, { recursive: true, force: true });
  }
  source = `copied by the running portal, process ${err.holder.pid}`;
}

// Written under another name first, so FILE is only ever a complete, checked backup.
const partial = `${file}.partial`;
process.on('exit', () => fs.rmSync(partial, { force: true }));
fs.mkdirSync(path.dirname(file), { recursive: true });
const fd = fs.openSync(partial, 'w', 0o600); // it holds personal data
try {
  fs.writeSync(fd, data);
  fs.fsyncSync(fd);
} finally {
  fs.closeSync(fd);
}
let summary;
try {
  // What is on disk is checked, not what is in memory.
  summary = await inspectBackup(fs.readFileSync(partial));
} catch (err) {
  fail(
    `Cannot back up: the backup could not be opened again, so it was not kept (${err instanceof Error ? err.message : String(err)}).`,
  );
}
fs.renameSync(partial, file);
const size = `${(data.length / 1_000_000).toFixed(1)} MB`;
console.log(`Backup written to ${file} (${size}, ${source}): ${describeSummary(summary)}.`);
