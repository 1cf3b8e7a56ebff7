import { loadConfig } from '../config.js';
import { openDatabase } from './client.js';
import { migrateToLatest } from './migrate.js';

const config = loadConfig();
const handle = await openDatabase(config.database);
const result = await migrateToLatest(handle.db);
for (const r of result.results ?? []) console.log(`${r.direction} ${r.migrationName}: ${r.status}`);
if (!result.results?.length) console.log('Database is up to date.');
await handle.close();
