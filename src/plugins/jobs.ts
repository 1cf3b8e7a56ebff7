// Periodic work: reminders before appointments, clean-up of expired sign-up drafts and of
// old counters of wrong passwords.
import fp from 'fastify-plugin';
import { queueDueReminders } from '../features/booking/reminders.js';
import { forgetExpiredDrafts } from '../features/drafts/store.js';
import { forgetOldAttempts } from '../features/staff-auth/login.js';

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
    if (opts.autoStart) {
      app.addHook('onReady', async () => {
        timer = setInterval(() => {
          runOnce().catch((err: unknown) => app.log.error({ err }, 'periodic jobs failed'));
        }, opts.intervalMs);
        timer.unref();
      });
    }
    app.addHook('preClose', async () => {
      if (timer) clearInterval(timer);
    });
  },
  { name: 'jobs', dependencies: ['db', 'mail'] },
);
