// Periodic work, run every interval, one run at a time, also over several portal processes: a
// run holds an advisory lock, and a process that finds it taken skips its turn. Which tasks
// there are is decided where the app is put together (app.ts): each feature's clean-up or
// reminder is a task there, so this plugin knows no feature.
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { sql, type Kysely } from 'kysely';
import { isDatabaseUnavailable } from '../errors.js';
import { poolStats } from '../db/client.js';
import type { Database } from '../db/schema.js';

/** The advisory lock a run holds, so that of several portal processes one runs the jobs at a time. */
export const JOBS_LOCK = 7_221_001;

/**
 * Runs `fn` while this session holds the jobs lock; null when another process holds it. On a
 * server the lock is taken on a connection kept for the run (a session lock belongs to its
 * connection); the embedded database is one session, so the same statements run on it directly.
 */
export async function whileHoldingJobsLock<T>(db: Kysely<Database>, fn: () => Promise<T>): Promise<T | null> {
  const run = async (session: Kysely<Database>) => {
    const got = await sql<{ got: boolean }>`select pg_try_advisory_lock(${JOBS_LOCK}) as got`.execute(session);
    if (!got.rows[0]?.got) return null;
    try {
      return await fn();
    } finally {
      await sql`select pg_advisory_unlock(${JOBS_LOCK})`.execute(session);
    }
  };
  return poolStats(db) === null ? run(db) : db.connection().execute(run);
}

/** A periodic task: does what is due at `now`, returns how many things it did. */
export type PeriodicTask = (app: FastifyInstance, now: Date) => Promise<number>;

export interface JobsOptions {
  intervalMs: number;
  autoStart: boolean;
  tasks: Record<string, PeriodicTask>;
}

declare module 'fastify' {
  interface FastifyInstance {
    jobs: {
      /** Runs every task once now; answers how many things each did. */
      runOnce(): Promise<Record<string, number>>;
      /** As runOnce, holding the jobs lock; null (nothing run) while another process runs them. */
      runExclusive(): Promise<Record<string, number> | null>;
    };
  }
}

export default fp<JobsOptions>(
  async (app, opts) => {
    const runOnce = async () => {
      const now = app.now();
      const done: Record<string, number> = {};
      // In order, each on its own: a failing task stops the run, the next run tries all again.
      for (const [name, task] of Object.entries(opts.tasks)) done[name] = await task(app, now);
      return done;
    };
    const runExclusive = () => whileHoldingJobsLock(app.db, runOnce);
    app.decorate('jobs', { runOnce, runExclusive });
    let timer: NodeJS.Timeout | null = null;
    // One run at a time; while the database is away a run is skipped (logged once per outage),
    // and the next one, an interval later, picks up whatever was missed: every job works from
    // the state in the database, not from what the previous run did.
    let running = false;
    let unavailable = false;
    const tick = () => {
      if (running) return;
      running = true;
      runExclusive()
        .then(() => {
          if (unavailable) app.log.info('periodic jobs run again: database reachable');
          unavailable = false;
        })
        .catch((err: unknown) => {
          if (!isDatabaseUnavailable(err)) return app.log.error({ err }, 'periodic jobs failed');
          if (!unavailable)
            app.log.warn({ reason: (err as Error).message }, 'periodic jobs skipped: database unavailable');
          unavailable = true;
        })
        .finally(() => (running = false));
    };
    if (opts.autoStart) {
      app.addHook('onReady', async () => {
        timer = setInterval(tick, opts.intervalMs);
        timer.unref();
      });
    }
    app.addHook('preClose', async () => {
      if (timer) clearInterval(timer);
    });
  },
  { name: 'jobs', dependencies: ['db'] },
);
