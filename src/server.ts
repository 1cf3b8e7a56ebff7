// Loads config, prepares the database, builds the app, listens, and shuts down gracefully.
import closeWithGrace from 'close-with-grace';
import { buildApp } from './app.js';
import { ConfigError, loadConfig, type AppConfig } from './config.js';
import { openDatabase } from './db/client.js';
import { migrateToLatest } from './db/migrate.js';
import { isEmpty, seedDemo, demoLogins } from './db/seed.js';

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

const handle = await openDatabase(config.database);
await migrateToLatest(handle.db);
if (handle.kind === 'embedded' && config.seedDemo && (await isEmpty(handle.db))) {
  console.log('Empty database: loading demo data (Arnhem, 8 wijkteams)…');
  await seedDemo(handle.db, new Date());
}

const app = await buildApp(config, { db: handle.db });
app.addHook('onClose', async () => handle.close());

closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
  if (err) app.log.error({ err }, 'closing after an error');
  else app.log.info({ signal }, 'closing');
  await app.close();
});

await app.listen({ port: config.port, host: config.host });
const demo = config.seedDemo && handle.kind === 'embedded'
  ? `\nDemo logins (password for all: ${demoLogins.password}):\n${demoLogins.users.map((l) => `  ${l.role.padEnd(12)} ${l.email}`).join('\n')}`
  : '';
console.log(`${demo}\nKeukentafel runs at ${config.publicUrl}\n`);
