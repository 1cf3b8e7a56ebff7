// The outbox worker: sends pending mail through SMTP (SMTP_URL) or, without it, writes each
// message as an .eml file under data/mail so a developer can open it.
import fp from 'fastify-plugin';
import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { isDatabaseUnavailable } from '../errors.js';
import type { MailContext } from '../core/mail/appointment-view.js';
import {
  CLAIM_SECONDS,
  claimDue,
  markFailedAttempt,
  markSent,
  releaseClaim,
  renewClaim,
  type DueMessage,
} from '../core/mail/outbox.js';

const KICK_DELAY_MS = 100;
const BATCH = 20;
/** After the SMTP server or the database failed: wait 2 s, then 4, 8 … at most a minute. */
const PAUSE_MIN_MS = 2_000;
const PAUSE_MAX_MS = 60_000;

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

/** The domain of the sender's address, for Message-IDs (RFC 5322 wants a unique right part). */
export function messageIdDomain(from: string): string {
  const match = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from);
  return match?.[1] ?? 'keukentafel.invalid';
}

function toMessage(msg: DueMessage, from: string, domain: string): SendMailOptions {
  return {
    from,
    to: msg.to_address,
    subject: msg.subject,
    text: msg.body_text,
    // Fixed per outbox row: a message sent again after a crash carries the same Message-ID.
    messageId: `<${msg.message_key}@${domain}>`,
    ...(msg.body_html ? { html: msg.body_html } : {}),
    ...(msg.ics
      ? {
          attachments: [{ filename: 'afspraak.ics', content: msg.ics, contentType: 'text/calendar; charset=utf-8' }],
        }
      : {}),
  };
}

// Failures of the way out (server down, network, disk full), not of one message: every message
// would fail the same way, so the worker stops and waits instead of using up their attempts.
const TRANSPORT_CODES = new Set([
  'ECONNECTION',
  'ETIMEDOUT',
  'ESOCKET',
  'EDNS',
  'EAUTH',
  'EPROTOCOL',
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOSPC',
  'EDQUOT',
  'EROFS',
  'EACCES',
  'EIO',
]);

function isTransportFailure(err: unknown): boolean {
  const e = err as { code?: unknown; responseCode?: unknown } | null;
  if (!e) return false;
  if (typeof e.code === 'string' && TRANSPORT_CODES.has(e.code)) return true;
  // 421: the server is closing or overloaded (RFC 5321), whichever message we send.
  return e.responseCode === 421;
}

function smtpTransport(smtpUrl: string): Transporter {
  // One pooled connection, reused for message after message, instead of a new connection (and
  // TLS handshake) per message. SMTP_URL may still set its own pool options.
  const url = new URL(smtpUrl);
  if (!url.searchParams.has('pool')) url.searchParams.set('pool', 'true');
  if (!url.searchParams.has('maxConnections')) url.searchParams.set('maxConnections', '1');
  return nodemailer.createTransport(url.toString());
}

export default fp<MailOptions>(
  async (app, opts) => {
    const transport = opts.smtpUrl
      ? smtpTransport(opts.smtpUrl)
      : nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
    const domain = messageIdDomain(opts.from);
    let running: Promise<number> | null = null;
    let closed = false;
    /** When the timer may try again after a failure (monotonic ms), and the current wait. */
    let pausedUntil = 0;
    let pauseMs = 0;

    async function sendOne(msg: DueMessage): Promise<void> {
      const info = await transport.sendMail(toMessage(msg, opts.from, domain));
      if (!opts.smtpUrl && opts.mailDir) {
        await mkdir(opts.mailDir, { recursive: true });
        const file = path.join(opts.mailDir, `${String(msg.id).padStart(6, '0')}.eml`);
        // Written next to it first, then renamed: a full disk or a crash never leaves half a
        // message under the real name.
        const partial = path.join(opts.mailDir, `.${String(msg.id).padStart(6, '0')}.eml.partial`);
        await writeFile(partial, (info as unknown as { message: Buffer }).message);
        await rename(partial, file);
        app.log.info({ file, outboxId: msg.id }, 'mail written to file (no SMTP_URL set)');
      }
    }

    function pause(reason: string): void {
      pauseMs = Math.min(pauseMs === 0 ? PAUSE_MIN_MS : pauseMs * 2, PAUSE_MAX_MS);
      pausedUntil = performance.now() + pauseMs;
      app.log.warn({ reason, retryInMs: pauseMs }, 'mail delivery paused');
    }

    async function runOnce(): Promise<number> {
      let sent = 0;
      for (;;) {
        const due = await claimDue(app.db, app.now(), BATCH);
        if (due.length === 0) return sent;
        let renewedAt = performance.now();
        for (let i = 0; i < due.length; i += 1) {
          const msg = due[i]!;
          if (closed) {
            await releaseClaim(
              app.db,
              due.slice(i).map((m) => m.id),
              app.now(),
            );
            return sent;
          }
          // Keep the claim on what is left while a slow server works through the batch.
          if (performance.now() - renewedAt > (CLAIM_SECONDS * 1000) / 3) {
            await renewClaim(
              app.db,
              due.slice(i).map((m) => m.id),
              app.now(),
            );
            renewedAt = performance.now();
          }
          try {
            await sendOne(msg);
          } catch (err) {
            const reason = err instanceof Error ? err.message : String(err);
            if (isTransportFailure(err)) {
              // Hand the batch back untouched and wait; nothing here was the message's fault.
              await releaseClaim(
                app.db,
                due.slice(i).map((m) => m.id),
                app.now(),
                reason,
              );
              pause(reason);
              return sent;
            }
            app.log.warn({ outboxId: msg.id, attempt: msg.attempts + 1, reason }, 'mail not sent, will retry');
            await markFailedAttempt(app.db, msg, app.now(), reason);
            continue;
          }
          await markSent(app.db, msg.id, app.now());
          sent += 1;
        }
        pauseMs = 0;
      }
    }

    const flush = (): Promise<number> => {
      if (running) return running.then(() => flush());
      running = runOnce().finally(() => (running = null));
      return running;
    };

    const tick = () => {
      if (closed || running || performance.now() < pausedUntil) return;
      flush().catch((err: unknown) => {
        if (isDatabaseUnavailable(err)) pause(`database unavailable: ${(err as Error).message}`);
        else app.log.error({ err }, 'outbox worker failed');
      });
    };

    let timer: NodeJS.Timeout | null = null;
    let kicked: NodeJS.Timeout | null = null;
    app.decorate('mailContext', () => ({
      publicUrl: app.config.publicUrl,
      municipalityName: app.config.municipality.name,
      fromEmail: opts.from,
      now: app.now(),
    }));
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
