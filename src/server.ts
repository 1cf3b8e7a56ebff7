// Loads config, prepares the database, builds the app, listens, and shuts down gracefully.
// With WORKERS=N (a PostgreSQL server only) this process is the primary: it prepares the
// database once, then starts N portal processes that share the port (node's cluster module),
// starts a new one when one dies, and passes a stop on to them.
import cluster, { type Worker } from 'node:cluster';
import { ConfigError, loadConfig, type AppConfig } from './config.js';
import { openDatabase, type DbHandle } from './db/client.js';
import { migrateToLatest, pendingMigrations } from './db/migrate.js';
import { lockEmbeddedOrExit } from './db/data-dir-lock.js';
import { sealPlainQuestions } from './core/question-key-rotate.js';
import { formatTextKeys } from './core/secret-text.js';

function configOrExit(): AppConfig {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
}

/** The schema brought up to date; with nothing to do the migrations are not even loaded. */
async function migrate(handle: DbHandle): Promise<void> {
  if ((await pendingMigrations(handle.db)).length > 0) await migrateToLatest(handle.db);
}

/** Encrypts the questions still stored in plain text (none after the first start: one quick scan). */
async function sealQuestionsOnStart(handle: DbHandle, config: AppConfig): Promise<void> {
  const sealed = await sealPlainQuestions(handle.db, config.questionKeys);
  if (sealed > 0) console.log(`Encrypted ${sealed} question(s) stored in plain text.`);
}

/** One portal process: the app on the port (alone, or as one of the cluster's workers). */
async function runPortal(config: AppConfig): Promise<void> {
  // The app's modules load while the database opens (a new embedded one is made by a process
  // of its own meanwhile).
  const loading = Promise.all([import('./app.js'), import('./db/seed.js'), import('./db/backup-channel.js')]);
  loading.catch(() => undefined);
  // The portal's clock: the real time, or CLOCK_START ticking on from the moment of start.
  const startedAt = Date.now();
  const clockStart = config.clockStart?.getTime() ?? null;
  const now = clockStart === null ? () => new Date() : () => new Date(clockStart + (Date.now() - startedAt));

  // One process per embedded data folder: a second one stops here with one line.
  const lock = await lockEmbeddedOrExit(config, 'the portal', 'Cannot start');
  const handle = await openDatabase(config.database);
  // A worker's primary has migrated already.
  if (cluster.isPrimary) await migrate(handle);
  const [{ buildApp }, { isEmpty, seedDemo, demoLogins }, { openBackupChannel }] = await loading;
  const seeding = handle.kind === 'embedded' && config.seedDemo && (await isEmpty(handle.db));
  if (seeding) {
    console.log('Empty database: loading demo data (Arnhem, 8 wijkteams)…');
    await seedDemo(handle.db, now());
  }
  // Questions stored in plain text (before encryption at rest, or by the demo data): encrypted now.
  if (cluster.isPrimary) await sealQuestionsOnStart(handle, config);

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

  // One close for every way a stop arrives (a signal, the primary, or the primary gone).
  let closing: Promise<void> | null = null;
  const close = () => (closing ??= app.close());
  const { default: closeWithGrace } = await import('close-with-grace');
  closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'closing after an error');
    else app.log.info({ signal }, 'closing');
    await close();
  });
  if (cluster.isWorker) {
    // The primary asks a worker to stop by message: a signal may reach the worker as well
    // (Ctrl-C, systemd), and a second signal would end it at once. A worker whose primary is
    // gone (killed) ends too, instead of serving on unsupervised.
    const end = () => void close().finally(() => process.exit(0));
    process.on('message', (m) => m === STOP_MESSAGE && end());
    process.once('disconnect', end);
  }

  await app.listen({ port: config.port, host: config.host });
  if (cluster.isWorker) return;
  const demo =
    config.seedDemo && handle.kind === 'embedded'
      ? `\nDemo logins (password for all: ${demoLogins.password}):\n${demoLogins.users.map((l) => `  ${l.role.padEnd(12)} ${l.email}`).join('\n')}`
      : '';
  console.log(`${demo}\nKeukentafel runs at ${config.publicUrl}\n`);
}

/** A worker that dies is replaced after this long (longer when they keep dying at start). */
const RESTART_MS = 1_000;
const RESTART_MAX_MS = 30_000;
const STOP_MS = 15_000;
const STOP_MESSAGE = 'keukentafel:stop';

/** The primary of WORKERS=N: migrates once, then runs and watches N portal processes. */
async function runPrimary(config: AppConfig): Promise<void> {
  const handle = await openDatabase(config.database);
  try {
    await migrate(handle);
    await sealQuestionsOnStart(handle, config);
  } finally {
    await handle.close();
  }
  // Every worker signs and reads session cookies with the same key: the one this process
  // loaded (SESSION_SECRET, or the one kept in DATA_DIR), handed over at fork.
  const env = { SESSION_SECRET: config.sessionSecret, QUESTION_KEYS: formatTextKeys(config.questionKeys) };
  let stopping = false;
  let listening = 0;
  let restartMs = RESTART_MS;
  const fork = () => cluster.fork(env);
  cluster.on('listening', () => {
    listening += 1;
    if (listening === config.workers)
      console.log(`\nKeukentafel runs at ${config.publicUrl} (${config.workers} processes)\n`);
    restartMs = RESTART_MS;
  });
  cluster.on('exit', (worker: Worker, code, signal) => {
    if (stopping) return;
    console.error(`portal process ${worker.process.pid} ended (${signal ?? code}); starting a new one`);
    setTimeout(() => !stopping && fork(), restartMs);
    restartMs = Math.min(restartMs * 2, RESTART_MAX_MS);
  });
  const stop = () => {
    if (stopping) return;
    stopping = true;
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
    const ended = workers.map(
      (w) => new Promise<void>((resolve) => (w.isDead() ? resolve() : w.once('exit', () => resolve()))),
    );
    for (const w of workers) {
      // A worker that is ending already has no channel left: its exit is awaited all the same.
      if (!w.isDead() && w.isConnected()) w.send(STOP_MESSAGE, undefined, () => undefined);
    }
    const late = setTimeout(() => workers.forEach((w) => w.isDead() || w.process.kill('SIGKILL')), STOP_MS);
    void Promise.all(ended).then(() => {
      clearTimeout(late);
      process.exit(0);
    });
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  for (let i = 0; i < config.workers; i++) fork();
}

const config = configOrExit();
if (config.workers > 1 && cluster.isPrimary) await runPrimary(config);
else await runPortal(config);
