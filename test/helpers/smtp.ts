// A real SMTP server on loopback for tests: the app's own nodemailer transport delivers to it over
// TCP, and every message is parsed with mailparser so a test can read subject, text and attachments.
//
// TLS: nodemailer only tries STARTTLS when the server advertises it in its EHLO reply (and
// ignoreTLS is not set). With 'STARTTLS' in disabledCommands this server does not advertise it,
// so a plain `smtp://127.0.0.1:PORT` URL sends unencrypted without `?ignoreTLS=true` or a
// certificate. (If it were advertised, nodemailer would upgrade with smtp-server's built-in
// self-signed certificate and fail the certificate check.)
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';

export interface SmtpReceiver {
  port: number;
  /** For config.smtpUrl, e.g. smtp://127.0.0.1:2525 */
  url: string;
  /** Every message received so far, in order of arrival. */
  messages: ParsedMail[];
  /** Resolves once at least `count` messages arrived (all of them); rejects after the timeout. */
  waitFor(count: number, timeoutMs?: number): Promise<ParsedMail[]>;
  /** Stops listening; the port is free again for startSmtpReceiver(port). */
  stop(): Promise<void>;
}

/** Starts a receiver on 127.0.0.1; port 0 picks a free one. Pass an old port to "bring SMTP back". */
export async function startSmtpReceiver(port = 0): Promise<SmtpReceiver> {
  const messages: ParsedMail[] = [];
  const waiters = new Set<() => void>();

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    disableReverseLookup: true,
    logger: false,
    // A stopped receiver must really be gone quickly; nodemailer (unpooled) quits after each
    // message, so there is rarely a connection left to wait for.
    closeTimeout: 500,
    onData(stream, _session, callback) {
      // Answer "250 OK" only after parsing, so when the app's sendMail resolves the message is
      // already in `messages`.
      simpleParser(stream)
        .then((mail) => {
          messages.push(mail);
          for (const wake of [...waiters]) wake();
          callback();
        })
        .catch((err: unknown) => callback(err instanceof Error ? err : new Error(String(err))));
    },
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.server.once('error', onError);
    server.listen(port, '127.0.0.1', () => {
      server.server.off('error', onError);
      resolve();
    });
  });
  // Errors of single connections (a client hanging up) must not crash the test process.
  server.on('error', () => {});
  const actualPort = (server.server.address() as AddressInfo).port;

  let stopped: Promise<void> | null = null;
  return {
    port: actualPort,
    url: `smtp://127.0.0.1:${actualPort}`,
    messages,
    waitFor(count, timeoutMs = 10_000) {
      return new Promise<ParsedMail[]>((resolve, reject) => {
        const check = () => {
          if (messages.length < count) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(messages.slice());
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(`SMTP receiver: expected ${count} message(s) within ${timeoutMs} ms, got ${messages.length}`),
          );
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    stop() {
      stopped ??= new Promise<void>((resolve) => server.close(() => resolve()));
      return stopped;
    },
  };
}
