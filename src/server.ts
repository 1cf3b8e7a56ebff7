// Loads config, prepares the database, builds the app, listens, and shuts down gracefully.
import closeWithGrace from 'close-with-grace';
import { buildApp } from './app.js';
import { ConfigError, loadConfig, type AppConfig } from './config.js';
import { openDatabase } from './db/client.js';
import { migrateToLatest } from './db/migrate.js';
import { isEmpty, seedDemo, demoLogins } from './db/seed.js';
import { lockEmbeddedOrExit } from './db/data-dir-lock.js';
import { openBackupChannel } from './db/backup-channel.js';

let config: AppConfig;
try {
  config = loadConfig();
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(1);
  }
  throw err;
}

// The portal's clock: the real time, or CLOCK_START ticking on from the moment of start.
const startedAt = Date.now();
const clockStart = config.clockStart?.getTime() ?? null;
const now = clockStart === null ? () => new Date() : () => new Date(clockStart + (Date.now() - startedAt));

// One process per embedded data folder: a second one stops here with one line.
const lock = await lockEmbeddedOrExit(config, 'the portal', 'Cannot start');
const handle = await openDatabase(config.database);
await migrateToLatest(handle.db);
if (handle.kind === 'embedded' && config.seedDemo && (await isEmpty(handle.db))) {
  console.log('Empty database: loading demo data (Arnhem, 8 wijkteams)…');
  await seedDemo(handle.db, now());
}

const app = await buildApp(config, { db: handle.db, now });
const backups =
  lock && config.database.kind === 'embedded' && config.database.dataDir
    ? await openBackupChannel({ dataDir: lock.dataDir, pgDir: config.database.dataDir, db: handle.db, log: app.log })
    : null;
app.addHook('onClose', async () => {
  await backups?.close();
  await handle.close();
  lock?.release();
});

closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
  if (err) app.log.error({ err }, 'closing after an error');
  else app.log.info({ signal }, 'closing');
  await app.close();
});

await app.listen({ port: config.port, host: config.host });
const demo =
  config.seedDemo && handle.kind === 'embedded'
    ? `\nDemo logins (password for all: ${demoLogins.password}):\n${demoLogins.users.map((l) => `  ${l.role.padEnd(12)} ${l.email}`).join('\n')}`
    : '';
console.log(`${demo}\nKeukentafel runs at ${config.publicUrl}\n`);
