// Periodic work, run every interval, one run at a time. Which tasks there are is decided where
// the app is put together (app.ts): each feature's clean-up or reminder is a task there, so this
// plugin knows no feature.
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { isDatabaseUnavailable } from '../errors.js';

/** A periodic task: does what is due at `now`, returns how many things it did. */
export type PeriodicTask = (app: FastifyInstance, now: Date) => Promise<number>;

export interface JobsOptions {
  intervalMs: number;
  autoStart: boolean;
  tasks: Record<string, PeriodicTask>;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Runs every task once now; answers how many things each did. */
    jobs: { runOnce(): Promise<Record<string, number>> };
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
    app.decorate('jobs', { runOnce });
    let timer: NodeJS.Timeout | null = null;
    // One run at a time; while the database is away a run is skipped (logged once per outage),
    // and the next one, an interval later, picks up whatever was missed: every job works from
    // the state in the database, not from what the previous run did.
    let running = false;
    let unavailable = false;
    const tick = () => {
      if (running) return;
      running = true;
      runOnce()
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
