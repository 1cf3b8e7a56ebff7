// The way out for the outbox worker (mail-worker.ts): SMTP over one pooled connection, or
// without SMTP_URL an .eml file per message under data/mail, and which failures are the way
// out's rather than one message's.
import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import type { ReadyMessage } from '../core/mail/outbox.js';
import { mailFileName, partialMailFileName } from '../core/mail/mail-files.js';

/** The domain of the sender's address, for Message-IDs (RFC 5322 wants a unique right part). */
export function messageIdDomain(from: string): string {
  const match = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from);
  return match?.[1] ?? 'keukentafel.invalid';
}

function toMessage(msg: ReadyMessage, from: string, domain: string): SendMailOptions {
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

export function isTransportFailure(err: unknown): boolean {
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

export interface Sender {
  send(msg: ReadyMessage): Promise<void>;
  close(): void;
}

/** Sends through SMTP, or without SMTP_URL writes each message as an .eml file under mailDir. */
export function mailSender(
  opts: { smtpUrl: string | null; mailDir: string | null; from: string },
  log: FastifyBaseLogger,
): Sender {
  const transport = opts.smtpUrl
    ? smtpTransport(opts.smtpUrl)
    : nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  const domain = messageIdDomain(opts.from);
  return {
    async send(msg) {
      const info = await transport.sendMail(toMessage(msg, opts.from, domain));
      if (opts.smtpUrl || !opts.mailDir) return;
      await mkdir(opts.mailDir, { recursive: true });
      const file = path.join(opts.mailDir, mailFileName(msg.id));
      // Written next to it first, then renamed: a full disk or a crash never leaves half a
      // message under the real name.
      const partial = path.join(opts.mailDir, partialMailFileName(msg.id));
      await writeFile(partial, (info as unknown as { message: Buffer }).message);
      await rename(partial, file);
      log.info({ file, outboxId: msg.id }, 'mail written to file (no SMTP_URL set)');
    },
    close: () => transport.close(),
  };
}
