// The outbox worker: sends pending mail through SMTP (SMTP_URL) or, without it, writes each
// message as an .eml file under data/mail so a developer can open it. The sending loop and the
// way out: mail-worker.ts and mail-sender.ts.
import fp from 'fastify-plugin';
import type { MailContext } from '../core/mail/appointment-view.js';
import { mailSender } from './mail-sender.js';
import { outboxWorker } from './mail-worker.js';

const KICK_DELAY_MS = 100;

export interface MailOptions {
  smtpUrl: string | null;
  mailDir: string | null;
  from: string;
  intervalMs: number;
  /** Start the timer; tests send with app.mail.flush() instead. */
  autoStart: boolean;
}

export interface MailWorker {
  /** Sends everything due now; resolves when done. Returns the number sent. */
  flush(): Promise<number>;
  /** Asks the worker to run soon (after a booking commits). */
  kick(): void;
}

declare module 'fastify' {
  interface FastifyInstance {
    mail: MailWorker;
    /** What every mail needs: the portal's address, the municipality, the sender and the clock. */
    mailContext(): MailContext;
  }
}

export default fp<MailOptions>(
  async (app, opts) => {
    const sender = mailSender(opts, app.log);
    const mailContext = (): MailContext => ({
      publicUrl: app.config.publicUrl,
      municipalityName: app.config.municipality.name,
      fromEmail: opts.from,
      now: app.now(),
      secret: app.config.sessionSecret,
    });
    const worker = outboxWorker({ db: app.db, now: () => app.now(), log: app.log, sender, context: mailContext });
    let timer: NodeJS.Timeout | null = null;
    let kicked: NodeJS.Timeout | null = null;
    app.decorate('mailContext', mailContext);
    app.decorate('mail', {
      flush: worker.flush,
      // Soon, not at once: bookings that come together are sent as one batch.
      kick: () => {
        if (!opts.autoStart || kicked) return;
        kicked = setTimeout(() => {
          kicked = null;
          worker.tick();
        }, KICK_DELAY_MS);
      },
    });
    if (opts.autoStart) {
      app.addHook('onReady', async () => {
        timer = setInterval(worker.tick, opts.intervalMs);
        timer.unref();
      });
    }
    app.addHook('preClose', async () => {
      if (timer) clearInterval(timer);
      if (kicked) clearTimeout(kicked);
      await worker.close();
      sender.close();
    });
  },
  { name: 'mail', dependencies: ['db'] },
);
