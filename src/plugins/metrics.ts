// Prometheus metrics at /metrics: traffic and latency per route, bookings, the outbox, the
// database and the kept reads. Each app has its own registry (never prom-client's global one),
// so several apps in one process, as in the tests, neither share nor clash. Only a monitoring
// server holding METRICS_TOKEN may read it (plugins/access.ts); without the token there is no
// route, and nothing is measured per request.
import fp from 'fastify-plugin';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Channel, Database } from '../db/schema.js';
import { poolStats } from '../db/client.js';
import type { KeptPageCounts } from './view.js';
import { feedOf } from '../db/changes.js';
import { isDatabaseUnavailable } from '../errors.js';
import { METRICS_ACCESS } from './access.js';

export const METRICS_PREFIX = 'keukentafel_';
/** A scrape waits at most this long for the database, so it answers within Prometheus' timeout. */
const DATABASE_WAIT_MS = 3_000;
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
const CHANNELS: readonly Channel[] = ['online', 'phone', 'walkin', 'referrer'];

export interface AppMetrics {
  /** A committed booking; counted only when it made an appointment and was not a repeated submit. */
  booked(result: { appointmentId: number | null; repeated: boolean }, channel: Channel): void;
  /** A committed move of an appointment to another time. */
  rescheduled(by: 'resident'): void;
  /** A committed cancellation of an appointment. */
  cancelled(by: 'resident' | 'staff'): void;
}

declare module 'fastify' {
  interface FastifyInstance {
    metrics: AppMetrics;
  }
}

export interface MetricsOptions {
  /** Serve /metrics and measure requests (METRICS_TOKEN is set). */
  expose: boolean;
}

/** Messages waiting to be sent, and when the oldest of them was written. */
async function outboxBacklog(db: Kysely<Database>): Promise<{ pending: number; oldest: Date | null }> {
  const row = await db
    .selectFrom('outbox_message')
    .select((eb) => [eb.fn.countAll<number>().as('pending'), eb.fn.min('created_at').as('oldest')])
    .where('status', '=', 'pending')
    .executeTakeFirstOrThrow();
  return { pending: Number(row.pending), oldest: row.oldest ? new Date(row.oldest) : null };
}

function withinTime<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** PostgreSQL refused a statement (pg and PGlite both report a SQLSTATE with a severity). */
function isRefusedStatement(err: unknown): boolean {
  const e = (err ?? {}) as { code?: unknown; severity?: unknown };
  return typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) && typeof e.severity === 'string';
}

/** Sets a counter to a total kept elsewhere (which only grows while the process runs). */
function setTotal(counter: Counter<string>, total: number, labels: Record<string, string> = {}): void {
  counter.remove(labels);
  counter.inc(labels, total);
}

/** Makes the metrics of one registry, each name with our prefix. */
function metricsOf(registry: Registry) {
  const registers = [registry];
  return {
    registers,
    counter: (name: string, help: string, labelNames: string[] = []) =>
      new Counter({ name: METRICS_PREFIX + name, help, labelNames, registers }),
    gauge: (name: string, help: string) => new Gauge({ name: METRICS_PREFIX + name, help, registers }),
  };
}
type Make = ReturnType<typeof metricsOf>;

/** The counts of bookings, moves and cancellations that services report through `app.metrics`. */
function decorateBookingCounts(app: FastifyInstance, make: Make): void {
  const bookings = make.counter(
    'bookings_total',
    'Appointments booked (by residents online, by staff on the phone or at the desk, by referrers).',
    ['channel'],
  );
  const reschedules = make.counter('reschedules_total', 'Appointments moved to another time.', ['by']);
  const cancellations = make.counter(
    'cancellations_total',
    'Appointments cancelled, by the resident (manage link) or by staff (appointment page).',
    ['by'],
  );
  // Every series from the start, so rate() and increase() see the first event.
  for (const channel of CHANNELS) bookings.inc({ channel }, 0);
  reschedules.inc({ by: 'resident' }, 0);
  for (const by of ['resident', 'staff']) cancellations.inc({ by }, 0);
  app.decorate<AppMetrics>('metrics', {
    booked(result, channel) {
      if (result.appointmentId !== null && !result.repeated) bookings.inc({ channel });
    },
    rescheduled: (by) => reschedules.inc({ by }),
    cancelled: (by) => cancellations.inc({ by }),
  });
}

/** Traffic and latency per route, and requests that failed on the database, measured by hooks. */
function measureRequests(app: FastifyInstance, make: Make): void {
  const labelNames = ['route', 'method', 'status_class'];
  const requests = make.counter(
    'http_requests_total',
    'HTTP requests answered, by route pattern, method and status class.',
    labelNames,
  );
  const duration = new Histogram({
    name: `${METRICS_PREFIX}http_request_duration_seconds`,
    help: 'Time to answer HTTP requests, by route pattern, method and status class.',
    labelNames,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: make.registers,
  });
  const databaseErrors = make.counter(
    'database_errors_total',
    "Requests that failed on a database error: 'unavailable' (unreachable, restarting, too many connections) or 'query'.",
    ['kind'],
  );
  for (const kind of ['unavailable', 'query']) databaseErrors.inc({ kind }, 0);

  // The pattern of the route that matched, never the URL: a URL holds tokens and ids, and
  // would make a new series for every one.
  app.addHook('onResponse', (req, reply, done) => {
    const labels = {
      route: req.routeOptions.url ?? '(none)',
      method: METHODS.has(req.method) ? req.method : 'other',
      status_class: `${Math.floor(reply.statusCode / 100)}xx`,
    };
    requests.inc(labels);
    duration.observe(labels, reply.elapsedTime / 1000);
    done();
  });
  app.addHook('onError', (_req, _reply, err, done) => {
    if (isDatabaseUnavailable(err)) databaseErrors.inc({ kind: 'unavailable' });
    else if (isRefusedStatement(err)) databaseErrors.inc({ kind: 'query' });
    done();
  });
}

/**
 * The figures read at scrape time: the outbox, the pool and the kept reads. The answer is a
 * function that reads them; it never fails on the database: its gauges go missing.
 */
function scrapeReadings(app: FastifyInstance, make: Make): () => Promise<void> {
  const databaseUp = make.gauge('database_up', '1 when the database answered the last scrape, else 0.');
  const outboxPending = make.gauge(
    'outbox_pending_messages',
    'Mails waiting to be sent (absent when the database is unreachable).',
  );
  const outboxOldest = make.gauge(
    'outbox_oldest_pending_age_seconds',
    'Age of the oldest mail not yet sent; 0 when none wait (absent when the database is unreachable).',
  );
  // The pool's figures (PostgreSQL server only), set from poolStats at each scrape.
  const poolGauges = Object.fromEntries(
    (
      [
        ['total', 'database_pool_connections', 'Open connections in the pool'],
        ['idle', 'database_pool_idle_connections', 'Open connections not in use'],
        ['waiting', 'database_pool_waiting_requests', 'Queries waiting for a free connection'],
      ] as const
    ).map(([key, name, help]) => [key, make.gauge(name, `${help} (PostgreSQL server only).`)]),
  ) as Record<'total' | 'idle' | 'waiting', Gauge>;
  const connectionErrors = make.counter(
    'database_connection_errors_total',
    'Connections the server or network dropped (PostgreSQL server only).',
  );
  const keptReads = make.counter(
    'kept_reads_total',
    "Calendar reads answered from memory ('hit') or from the database ('miss').",
    ['result'],
  );
  const changesHeard = make.counter(
    'calendar_changes_heard_total',
    'Notifications of a changed calendar heard from the database (src/db/changes.ts).',
  );
  const keptPages = make.counter(
    'kept_pages_total',
    "Calendar pages served from memory: 'made' (rendered), 'waited' (for a render under way) or 'reused'.",
    ['result'],
  );
  for (const metric of [...Object.values(poolGauges), connectionErrors]) metric.remove({});

  return async () => {
    try {
      const backlog = await withinTime(outboxBacklog(app.db), DATABASE_WAIT_MS);
      databaseUp.set(1);
      outboxPending.set(backlog.pending);
      outboxOldest.set(backlog.oldest ? Math.max(0, (app.now().getTime() - backlog.oldest.getTime()) / 1000) : 0);
    } catch (err) {
      app.log.warn({ reason: (err as Error).message }, 'metrics: database unreachable');
      databaseUp.set(0);
      outboxPending.remove({});
      outboxOldest.remove({});
    }
    const pool = poolStats(app.db);
    if (pool) {
      for (const key of ['total', 'idle', 'waiting'] as const) poolGauges[key].set(pool[key]);
      setTotal(connectionErrors, pool.connectionErrors);
    }
    const feed = feedOf(app.db);
    setTotal(keptReads, feed?.hits ?? 0, { result: 'hit' });
    setTotal(keptReads, feed?.misses ?? 0, { result: 'miss' });
    setTotal(changesHeard, feed?.heard ?? 0);
    // The view plugin is registered after this one; its counts exist by the time of a scrape.
    const pages: Partial<KeptPageCounts> = app.hasDecorator('keptPageCounts') ? app.keptPageCounts : {};
    for (const [result, n] of Object.entries(pages)) setTotal(keptPages, n ?? 0, { result });
  };
}

export default fp<MetricsOptions>(
  async (app: FastifyInstance, opts) => {
    const registry = new Registry();
    const make = metricsOf(registry);
    decorateBookingCounts(app, make);
    if (!opts.expose) return;

    collectDefaultMetrics({ register: registry, prefix: METRICS_PREFIX });
    measureRequests(app, make);
    const collect = scrapeReadings(app, make);

    app.get('/metrics', { config: { access: METRICS_ACCESS } }, async (_req, reply) => {
      await collect();
      return reply.type(registry.contentType).send(await registry.metrics());
    });
  },
  { name: 'metrics', dependencies: ['db', 'access'] },
);
