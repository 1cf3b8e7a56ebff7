// The outbox worker: sends pending mail through SMTP (SMTP_URL) or, without it, writes each
// message as an .eml file under data/mail so a developer can open it.
import fp from 'fastify-plugin';
import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { claimDue, markFailedAttempt, markSentMany, type DueMessage } from '../features/mail/outbox.js';

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
  }
}

function toMessage(msg: DueMessage, from: string): SendMailOptions {
  return {
    from,
    to: msg.to_address,
    subject: msg.subject,
    text: msg.body_text,
    ...(msg.body_html ? { html: msg.body_html } : {}),
    ...(msg.ics
      ? {
          attachments: [{ filename: 'afspraak.ics', content: msg.ics, contentType: 'text/calendar; charset=utf-8' }],
        }
      : {}),
  };
}

export default fp<MailOptions>(
  async (app, opts) => {
    let transport: Transporter;
    if (opts.smtpUrl) {
      transport = nodemailer.createTransport(opts.smtpUrl);
    } else {
      transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
    }
    let running: Promise<number> | null = null;
    let closed = false;

    async function sendOne(msg: DueMessage): Promise<void> {
      const info = await transport.sendMail(toMessage(msg, opts.from));
      if (!opts.smtpUrl && opts.mailDir) {
        await mkdir(opts.mailDir, { recursive: true });
        const file = path.join(opts.mailDir, `${String(msg.id).padStart(6, '0')}.eml`);
        await writeFile(file, (info as unknown as { message: Buffer }).message);
        app.log.info({ file, outboxId: msg.id }, 'mail written to file (no SMTP_URL set)');
      }
    }

    async function runOnce(): Promise<number> {
      let sent = 0;
      for (;;) {
        const due = await claimDue(app.db, app.now(), 20);
        if (due.length === 0) return sent;
        // Marked sent together after the batch (one statement instead of one per message), also
        // when the batch stops early. Delivery stays at least once, as before: a crash between
        // sending and marking sends those messages again after their claim runs out.
        const done: number[] = [];
        try {
          for (const msg of due) {
            try {
              await sendOne(msg);
              done.push(msg.id);
              sent += 1;
            } catch (err) {
              const reason = err instanceof Error ? err.message : String(err);
              app.log.warn({ outboxId: msg.id, attempt: msg.attempts + 1, reason }, 'mail not sent, will retry');
              await markFailedAttempt(app.db, msg, app.now(), reason);
            }
          }
        } finally {
          await markSentMany(app.db, done, app.now());
        }
      }
    }

    const flush = (): Promise<number> => {
      if (running) return running.then(() => flush());
      running = runOnce().finally(() => (running = null));
      return running;
    };

    const tick = () => {
      if (closed) return;
      flush().catch((err: unknown) => app.log.error({ err }, 'outbox worker failed'));
    };

    let timer: NodeJS.Timeout | null = null;
    let kicked: NodeJS.Timeout | null = null;
    app.decorate('mail', {
      flush,
      // Soon, not at once: bookings that come together are sent as one batch.
      kick: () => {
        if (!opts.autoStart || kicked) return;
        kicked = setTimeout(() => {
          kicked = null;
          tick();
        }, KICK_DELAY_MS);
      },
    });
    if (opts.autoStart) {
      app.addHook('onReady', async () => {
        timer = setInterval(tick, opts.intervalMs);
        timer.unref();
      });
    }
    app.addHook('preClose', async () => {
      closed = true;
      if (timer) clearInterval(timer);
      if (kicked) clearTimeout(kicked);
      if (running) await running.catch(() => 0);
      transport.close();
    });
  },
  { name: 'mail', dependencies: ['db'] },
);
