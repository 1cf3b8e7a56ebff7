import { loadConfig } from '../config.js';
import { openDatabase } from './client.js';
import { migrateToLatest } from './migrate.js';
import { lockEmbeddedOrExit } from './data-dir-lock.js';

const config = loadConfig();
const lock = await lockEmbeddedOrExit(config, 'npm run migrate', 'Cannot migrate');
const handle = await openDatabase(config.database);
const result = await migrateToLatest(handle.db);
for (const r of result.results ?? []) console.log(`${r.direction} ${r.migrationName}: ${r.status}`);
if (!result.results?.length) console.log('Database is up to date.');
await handle.close();
lock?.release();
