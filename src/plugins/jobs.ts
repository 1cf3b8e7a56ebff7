// Periodic work: reminders before appointments, clean-up of expired sign-up drafts and of
// old counters of wrong passwords.
import fp from 'fastify-plugin';
import { queueDueReminders } from '../features/booking/reminders.js';
import { forgetExpiredDrafts } from '../features/drafts/store.js';
import { forgetOldAttempts } from '../features/staff-auth/login.js';
import { isDatabaseUnavailable } from '../errors.js';

export interface JobsOptions {
  intervalMs: number;
  autoStart: boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    jobs: { runOnce(): Promise<{ reminders: number }> };
  }
}

export default fp<JobsOptions>(
  async (app, opts) => {
    const runOnce = async () => {
      const now = app.now();
      const reminders = await queueDueReminders(app.db, now, {
        publicUrl: app.config.publicUrl,
        municipalityName: app.config.municipality.name,
        fromEmail: app.config.mailFrom,
      });
      await app.db.deleteFrom('draft').where('expires_at', '<=', now).execute();
      await forgetOldAttempts(app.db, now);
      forgetExpiredDrafts(app, now);
      if (reminders > 0) app.mail.kick();
      return { reminders };
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
          if (!unavailable) app.log.warn({ reason: (err as Error).message }, 'periodic jobs skipped: database unavailable');
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
  { name: 'jobs', dependencies: ['db', 'mail'] },
);
