// buildApp(config): infrastructure plugins first, then features, in a fixed order. server.ts
// and every test call this.
import Fastify, { type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import type { Kysely } from 'kysely';
import type { AppConfig } from './config.js';
import type { Database } from './db/schema.js';
import { openDatabase } from './db/client.js';
import dbPlugin from './plugins/db.js';
import i18n from './plugins/i18n.js';
import security from './plugins/security.js';
import viewPlugin from './plugins/view.js';
import mail from './plugins/mail.js';
import errors from './plugins/errors.js';
import jobs, { type PeriodicTask } from './plugins/jobs.js';
import { queueDueReminders } from './features/booking/reminders.js';
import { forgetExpiredDrafts } from './core/drafts.js';
import { useQuestionKeys } from './core/question-key.js';
import { deleteExpiredDrafts } from './core/draft-rows.js';
import { forgetOldAttempts } from './features/staff-auth/throttle.js';
import auth from './plugins/auth.js';
import input from './plugins/input.js';
import access, { publicScope } from './plugins/access.js';
import metrics from './plugins/metrics.js';
import compression from './plugins/compression.js';
import assetsPlugin, { assetCacheDir, assetRoutes } from './plugins/assets.js';
import staffAuthRoutes from './features/staff-auth/routes.js';
import blocksRoutes from './features/blocks/routes.js';
import absenceRoutes from './features/absence/routes.js';
import agendaRoutes from './features/agenda/routes.js';
import appointmentsRoutes from './features/appointments/routes.js';
import capacityRoutes from './features/capacity/routes.js';
import queueRoutes from './features/queue/routes.js';
import onBehalfRoutes from './features/on-behalf/routes.js';
import adminRoutes from './features/admin/routes.js';
import figuresRoutes from './features/figures/routes.js';
import { noteCapacity } from './features/figures/snapshots.js';
import retentionRoutes from './features/retention/routes.js';
import { runRetention } from './features/retention/service.js';
import { pseudonymKeyFrom, setPseudonymKey } from './core/pseudonym.js';
import { mailDirOf } from './core/mail/mail-files.js';
import { loggerOptions } from './logging.js';
import { nodeModulesDir, publicDir, viewsDir } from './paths.js';
import homeRoutes from './features/home/routes.js';
import privacyStatementRoutes from './features/privacy-statement/routes.js';
import privacyDeskRoutes from './features/privacy/routes.js';
import healthRoutes from './features/health/routes.js';
import bookingRoutes from './features/booking/routes.js';
import returningRoutes from './features/returning/routes.js';
import manageRoutes from './features/manage/routes.js';
import referralRoutes from './features/referral/routes.js';

export interface AppDeps {
  /** An open database; when absent, one is opened from config and closed with the app. */
  db?: Kysely<Database>;
  now?: () => Date;
  /** Start the outbox timer (default: true outside tests). */
  mailWorker?: boolean;
  logger?: boolean;
  /** Where logs go (tests capture them to prove no personal data is written). */
  logStream?: { write(line: string): void };
}

/**
 * A hop count trusts the nearest N addresses, whoever they are (as proxy-addr counts hops: 0 is
 * the connection's own peer); a list trusts only those addresses and ranges.
 */
function trustProxyOption(
  trust: AppConfig['trustProxy'],
): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (typeof trust === 'number') return (_address, hop) => hop < trust;
  return trust;
}

/**
 * What runs every minute: reminders before appointments, clean-up of expired sign-up drafts and of
 * old counters of wrong passwords, and the daily note of each team's free capacity.
 */
const periodicTasks: Record<string, PeriodicTask> = {
  reminders: async (app, now) => {
    const queued = await queueDueReminders(app.db, now, app.mailContext());
    if (queued > 0) app.mail.kick();
    return queued;
  },
  drafts: async (app, now) => {
    const deleted = await deleteExpiredDrafts(app.db, now);
    forgetExpiredDrafts(app, now);
    return deleted;
  },
  loginAttempts: async (app, now) => {
    await forgetOldAttempts(app.db, now);
    return 0;
  },
  // Once a day per team: the first free moment and the free time ahead, for the figures.
  capacityNotes: async (app, now) => noteCapacity(app.db, now),
  // The retention terms: mail texts purged (and their mail files deleted), closed and cancelled
  // requests anonymised, audit pruned.
  retention: async (app, now) => {
    const done = await runRetention(app.db, now, { dryRun: false, mailDir: mailDirOf(app.config.dataDir) });
    return Object.values(done).reduce((a, b) => a + b, 0);
  },
};

export async function buildApp(config: AppConfig, deps: AppDeps = {}): Promise<FastifyInstance> {
  setPseudonymKey(pseudonymKeyFrom(config));
  const app = Fastify({
    logger:
      deps.logger === false
        ? false
        : { ...loggerOptions(config.logLevel), ...(deps.logStream ? { stream: deps.logStream } : {}) },
    // X-Forwarded-For is believed only from the proxies TRUST_PROXY names (none by default).
    trustProxy: trustProxyOption(config.trustProxy),
    bodyLimit: 1024 * 1024,
  });
  await registerInfrastructure(app, config, deps);
  // From here on every route must declare who may use it (plugins/access.ts).
  await app.register(access, { metricsToken: config.metricsToken });
  await app.register(metrics, { expose: config.metricsToken !== null });
  await app.register(async (assets) => registerAssets(assets));

  app.decorate('config', config);
  await app.register(jobs, {
    intervalMs: 60_000,
    autoStart: deps.mailWorker ?? config.env !== 'test',
    tasks: periodicTasks,
  });
  await registerFeatures(app);
  return app;
}

/** The database (opened here unless given), then cookies, bodies, texts, security, pages, mail, errors and who is logged in. */
async function registerInfrastructure(app: FastifyInstance, config: AppConfig, deps: AppDeps): Promise<void> {
  // The keys of the questions' encryption at rest, for every read and write of a question.
  useQuestionKeys(config.questionKeys);
  let db = deps.db;
  let close: (() => Promise<void>) | undefined;
  if (!db) {
    const handle = await openDatabase(config.database);
    db = handle.db;
    close = handle.close;
  }
  await app.register(dbPlugin, { db, now: deps.now ?? (() => new Date()), ...(close ? { close } : {}) });
  await app.register(compression);
  await app.register(cookie);
  await app.register(formbody, { bodyLimit: 1024 * 1024 });
  await app.register(input);
  await app.register(i18n, { defaultLocale: config.defaultLocale });
  await app.register(security, {
    sessionSecret: config.sessionSecret,
    secureCookies: config.publicUrl.startsWith('https://'),
    publicPostLimit: config.publicPostLimit,
  });
  await app.register(viewPlugin, {
    production: config.env === 'production',
    municipality: config.municipality,
    verifyKept: config.env !== 'production',
  });
  // After view: @fastify/view starts each request's locals afresh, and this adds `asset` to them.
  await app.register(assetsPlugin, {
    dirs: { publicDir, viewsDir, nodeModulesDir },
    cacheDir: assetCacheDir(nodeModulesDir),
  });
  await app.register(mail, {
    smtpUrl: config.smtpUrl,
    mailDir: mailDirOf(config.dataDir),
    from: config.mailFrom,
    intervalMs: config.outboxIntervalMs,
    autoStart: deps.mailWorker ?? config.env !== 'test',
  });
  await app.register(errors);
  await app.register(auth);
}

/** Our css and images and the NL Design System styles under /static/, from memory (plugins/assets.ts). */
async function registerAssets(assets: FastifyInstance): Promise<void> {
  publicScope(assets);
  assetRoutes(assets);
}

/** The features, public pages first, then the staff's. */
async function registerFeatures(app: FastifyInstance): Promise<void> {
  await app.register(healthRoutes);
  await app.register(homeRoutes);
  await app.register(privacyStatementRoutes);
  await app.register(bookingRoutes);
  await app.register(returningRoutes);
  await app.register(manageRoutes);
  await app.register(referralRoutes);
  await app.register(staffAuthRoutes);
  await app.register(blocksRoutes);
  await app.register(absenceRoutes);
  await app.register(agendaRoutes);
  await app.register(appointmentsRoutes);
  await app.register(capacityRoutes);
  await app.register(queueRoutes);
  await app.register(onBehalfRoutes);
  await app.register(adminRoutes);
  await app.register(figuresRoutes);
  await app.register(privacyDeskRoutes);
  await app.register(retentionRoutes);
}

declare module 'fastify' {
  interface FastifyInstance {
    config: AppConfig;
  }
}
