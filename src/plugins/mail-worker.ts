// The outbox worker of plugins/mail.ts: the loop that claims due messages, sends them one by
// one and marks each sent as soon as the server took it. A failure of the way out
// (mail-sender.ts), not of one message, hands the batch back and pauses the worker.
import { performance } from 'node:perf_hooks';
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { isDatabaseUnavailable } from '../errors.js';
import {
  CLAIM_SECONDS,
  claimDue,
  markFailedAttempt,
  markSent,
  releaseClaim,
  renewClaim,
  type DueMessage,
} from '../core/mail/outbox.js';
import { renderStored } from '../core/mail/later.js';
import type { MailContext } from '../core/mail/appointment-view.js';
import { isTransportFailure, type Sender } from './mail-sender.js';

const BATCH = 20;
/** After the SMTP server or the database failed: wait 2 s, then 4, 8 … at most a minute. */
const PAUSE_MIN_MS = 2_000;
const PAUSE_MAX_MS = 60_000;

export interface OutboxWorker {
  /** Sends everything due now (after a run under way); resolves with the number sent. */
  flush(): Promise<number>;
  /** A run from the timer: skipped while one runs, after close, or during a pause. */
  tick(): void;
  /** No new runs; waits for the one under way, which hands back what it did not send. */
  close(): Promise<void>;
}

interface Deps {
  db: Kysely<Database>;
  now: () => Date;
  log: FastifyBaseLogger;
  sender: Sender;
  /** What a mail rendered just before sending needs: the portal's address, the clock. */
  context: () => MailContext;
}

export function outboxWorker(deps: Deps): OutboxWorker {
  const { db, now, log } = deps;
  let running: Promise<number> | null = null;
  let closed = false;
  /** When the timer may try again after a failure (monotonic ms), and the current wait. */
  let pausedUntil = 0;
  let pauseMs = 0;

  function pause(reason: string): void {
    pauseMs = Math.min(pauseMs === 0 ? PAUSE_MIN_MS : pauseMs * 2, PAUSE_MAX_MS);
    pausedUntil = performance.now() + pauseMs;
    log.warn({ reason, retryInMs: pauseMs }, 'mail delivery paused');
  }

  async function runOnce(): Promise<number> {
    const run = { sent: 0, closed: () => closed, pause };
    for (;;) {
      const due = await claimDue(db, now(), BATCH);
      if (due.length === 0 || !(await sendBatch(deps, due, run))) return run.sent;
      pauseMs = 0;
    }
  }

  const flush = (): Promise<number> => {
    if (running) return running.then(() => flush());
    running = runOnce().finally(() => (running = null));
    return running;
  };

  return {
    flush,
    tick() {
      if (closed || running || performance.now() < pausedUntil) return;
      flush().catch((err: unknown) => {
        if (isDatabaseUnavailable(err)) pause(`database unavailable: ${(err as Error).message}`);
        else log.error({ err }, 'outbox worker failed');
      });
    },
    async close() {
      closed = true;
      if (running) await running.catch(() => 0);
    },
  };
}

/**
 * Sends one claimed batch, marking each message sent or failed; false when the worker must stop
 * (closing, or the way out failed: then the rest of the batch is handed back untouched).
 */
async function sendBatch(
  { db, now, log, sender, context }: Deps,
  due: DueMessage[],
  run: { sent: number; closed: () => boolean; pause: (reason: string) => void },
): Promise<boolean> {
  let renewedAt = performance.now();
  for (let i = 0; i < due.length; i += 1) {
    const msg = due[i]!;
    const rest = () => due.slice(i).map((m) => m.id);
    if (run.closed()) {
      await releaseClaim(db, rest(), now());
      return false;
    }
    // Keep the claim on what is left while a slow server works through the batch.
    if (performance.now() - renewedAt > (CLAIM_SECONDS * 1000) / 3) {
      await renewClaim(db, rest(), now());
      renewedAt = performance.now();
    }
    try {
      // A mail queued as facts is written now (core/mail/later.ts); a bad payload fails like a bad address.
      await sender.send({ ...renderStored(msg, context()), id: msg.id, message_key: msg.message_key });
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      if (isTransportFailure(err)) {
        // Nothing here was the message's fault: hand the batch back and wait.
        await releaseClaim(db, rest(), now(), reason);
        run.pause(reason);
        return false;
      }
      log.warn({ outboxId: msg.id, attempt: msg.attempts + 1, reason }, 'mail not sent, will retry');
      await markFailedAttempt(db, msg, now(), reason);
      continue;
    }
    await markSent(db, msg.id, now());
    run.sent += 1;
  }
  return true;
}
