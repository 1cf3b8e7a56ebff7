// `npm run bench:mail`: how many outbox messages a second the mail worker delivers to an SMTP
// server on loopback, with one reused connection (the default) and with a new connection per
// message (`?pool=false`, as before). Each message is marked sent on its own as soon as the
// server accepted it. Embedded database by default; TEST_DATABASE_URL for a real server.
import { performance } from 'node:perf_hooks';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { createTestApp } from '../helpers/app.js';
import { enqueueMails } from '../../src/core/mail/outbox.js';

const MESSAGES = Number(process.env.BENCH_MAIL_MESSAGES ?? 500);

async function receiver() {
  let received = 0;
  let connections = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    disableReverseLookup: true,
    logger: false,
    onConnect(_s, cb) {
      connections += 1;
      cb();
    },
    onData(stream, _s, cb) {
      stream.on('data', () => {});
      stream.on('end', () => {
        received += 1;
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    counts: () => ({ received, connections }),
    stop: () => new Promise<void>((r) => server.close(() => r())),
  };
}

async function measure(label: string, query: string) {
  const smtp = await receiver();
  const t = await createTestApp({
    config: { smtpUrl: `smtp://127.0.0.1:${smtp.port}${query}` },
    now: () => new Date('2030-01-07T09:00:00Z'),
  });
  try {
    const mails = Array.from({ length: MESSAGES }, (_, i) => ({
      to: `bewoner${i}@example.nl`,
      subject: `Uw afspraak met het wijkteam (${i})`,
      text: 'Uw afspraak staat vast.\n'.repeat(20),
      ics: 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n',
    }));
    for (let i = 0; i < mails.length; i += 100) await enqueueMails(t.app.db, mails.slice(i, i + 100));
    const start = performance.now();
    const sent = await t.app.mail.flush();
    const seconds = (performance.now() - start) / 1000;
    const { received, connections } = smtp.counts();
    if (sent !== MESSAGES || received !== MESSAGES)
      throw new Error(`${label}: sent ${sent}, received ${received} of ${MESSAGES}`);
    return {
      label,
      messages: MESSAGES,
      seconds: Number(seconds.toFixed(2)),
      perSecond: Math.round(MESSAGES / seconds),
      connections,
    };
  } finally {
    await t.close();
    await smtp.stop();
  }
}

const rows = [
  await measure('one reused connection (default)', ''),
  await measure('new connection per message', '?pool=false'),
];
console.log(
  `\nMail delivery to a local SMTP server, ${MESSAGES} messages, ${process.env.TEST_DATABASE_URL ? 'PostgreSQL server' : 'embedded database'}:\n`,
);
console.log('| transport | messages/s | seconds | SMTP connections |');
console.log('|---|---:|---:|---:|');
for (const r of rows) console.log(`| ${r.label} | ${r.perSecond} | ${r.seconds} | ${r.connections} |`);
console.log('');
// For `npm run bench`, which runs this script as its own process: the default transport's figures.
if (process.env.BENCH_MAIL_JSON) console.log(`BENCH_MAIL_JSON ${JSON.stringify(rows[0])}`);
