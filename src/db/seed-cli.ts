// npm run seed: loads the demo data into an empty database (migrating first).
import { loadConfig } from '../config.js';
import { openDatabase } from './client.js';
import { migrateToLatest } from './migrate.js';
import { isEmpty, seedDemo, demoLogins } from './seed.js';
import { lockEmbeddedOrExit } from './data-dir-lock.js';
import { sealPlainQuestions } from '../core/question-key-rotate.js';

const config = loadConfig();
const lock = await lockEmbeddedOrExit(config, 'npm run seed', 'Cannot load demo data');
const handle = await openDatabase(config.database);
await migrateToLatest(handle.db);
if (!(await isEmpty(handle.db))) {
  console.log('The database already holds teams; demo data not loaded. Use an empty database.');
} else {
  await seedDemo(handle.db, config.clockStart ?? new Date());
  // The demo questions are written as plain rows: encrypted at rest like every other question.
  await sealPlainQuestions(handle.db, config.questionKeys);
  console.log(`Demo data loaded. Password for all demo logins: ${demoLogins.password}`);
  for (const login of demoLogins.users) console.log(`  ${login.role.padEnd(12)} ${login.email}`);
}
await handle.close();
lock?.release();
