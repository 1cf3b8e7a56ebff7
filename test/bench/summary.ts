// From the bench's figures to its verdicts, its table and its chart: one place that says what
// each target is, so the table, results.json's `pass` and the SVG cannot disagree.
import type { Panel } from './chart.js';
import { fixed, percent, type Row } from './report.js';
import type { FiguresBench, FiguresCase } from './figures.js';

export interface LoadFigures {
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
}

export interface Figures {
  hello: LoadFigures;
  calendar: LoadFigures & { team: string; weeks: number };
  /** calmRequestsPerSec: the calm windows taken in turn with the booking ones (older results lack it). */
  calendarWhileBooking: LoadFigures & { bookingsPerSec: number; booked: number; calmRequestsPerSec?: number };
  pgbench: { tps: number };
  bookingCeiling?: { tps: number; latencyMs: number; clients: number };
  booking: {
    attempts: number;
    booked: number;
    createdInDatabase: number;
    bookingsPerSec: number;
    p50Ms: number;
    p99Ms: number;
    concurrency: number;
  };
  race: {
    clients: number;
    slots: number;
    booked: number;
    justTaken: number;
    serverErrors: number;
    slotsWithExactlyOne: number;
    doubleBookingsInDatabase: number;
    ok: boolean;
  };
  firstAfterWrite?: { coaches: number; weeks: number; blocks: number; p50Ms: number; p99Ms: number; samples: number };
  pageWeight?: { startFirstKb: number; startRepeatKb: number; calendarFirstKb: number; calendarRepeatKb: number };
  processes?: { workers: number; calendarPerSec: number; bookingsPerSec: number }[];
  mail?: { messages: number; perSecond: number };
  memory: { rssMb: number; peakMb: number; startedMb: number };
  embedded?: { rssMbAfterLoad: number; peakMb: number };
  coldStart: { firstSeconds: number; secondSeconds: number };
  /** The figures page and its exports on a year and on five years of history (figures.ts). */
  figures?: FiguresBench;
}

export const TARGETS = {
  calendarShareOfHello: 0.1,
  calendarP99Ms: 25,
  whileBookingShareOfCalm: 0.8,
  bookingShareOfCeiling: 0.35,
  firstAfterWriteP99Ms: 50,
  firstVisitKb: 60,
  repeatVisitKb: 10,
  serverRssMb: 200,
  embeddedRssMb: 250,
  firstStartSeconds: 15,
  laterStartSeconds: 5,
};

/** The calendar while booking against the calm windows between (or, in older results, the calm run). */
function whileBookingRatio(f: Figures): number {
  const w = f.calendarWhileBooking;
  return w.requestsPerSec / (w.calmRequestsPerSec ?? f.calendar.requestsPerSec);
}

const row = (measure: string, value: string, target = '', ok: boolean | null = null): Row => ({
  measure,
  value,
  target,
  ok,
});

function pages(f: Figures): Row[] {
  const rows: Row[] = [];
  const c = f.calendar;
  const calendarRatio = c.requestsPerSec / f.hello.requestsPerSec;
  const steadyRatio = whileBookingRatio(f);
  rows.push(
    row('hello (bare Fastify, 32 conn, 10 s)', `${fixed(f.hello.requestsPerSec)} req/s`, 'ceiling'),
    row(`calendar (${c.team}, ${c.weeks} weeks)`, `${fixed(c.requestsPerSec)} req/s`),
    row('  calendar / hello', percent(calendarRatio), '>= 10%', calendarRatio >= TARGETS.calendarShareOfHello),
    row('  calendar p50 / p99', `${c.p50Ms} / ${c.p99Ms} ms`, 'p99 <= 25 ms', c.p99Ms <= TARGETS.calendarP99Ms),
    row('  calendar non-2xx / errors', `${c.non2xx} / ${c.errors}`, '0 / 0', c.non2xx === 0 && c.errors === 0),
    row(
      `calendar while ${fixed(f.calendarWhileBooking.bookingsPerSec, 1)} bookings/s arrive`,
      `${fixed(f.calendarWhileBooking.requestsPerSec)} req/s (${f.calendarWhileBooking.booked} booked)` +
        (f.calendarWhileBooking.calmRequestsPerSec === undefined
          ? ''
          : `, ${fixed(f.calendarWhileBooking.calmRequestsPerSec)} calm between`),
    ),
    row('  while booking / calm', percent(steadyRatio), '>= 80%', steadyRatio >= TARGETS.whileBookingShareOfCalm),
    row('  while booking p50 / p99', `${f.calendarWhileBooking.p50Ms} / ${f.calendarWhileBooking.p99Ms} ms`),
  );
  const w = f.firstAfterWrite;
  if (w)
    rows.push(
      row(
        `first calendar read after a write (${w.coaches} coaches, ${w.weeks} weeks, ${w.blocks} blocks)`,
        `p50 ${fixed(w.p50Ms, 1)} / p99 ${fixed(w.p99Ms, 1)} ms`,
        'p99 <= 50 ms',
        w.p99Ms <= TARGETS.firstAfterWriteP99Ms,
      ),
    );
  const p = f.pageWeight;
  if (p) {
    const first = Math.max(p.startFirstKb, p.calendarFirstKb);
    const repeat = Math.max(p.startRepeatKb, p.calendarRepeatKb);
    rows.push(
      row(
        'first visit: start page / calendar',
        `${fixed(p.startFirstKb, 1)} / ${fixed(p.calendarFirstKb, 1)} kB`,
        '<= 60 kB',
        first <= TARGETS.firstVisitKb,
      ),
      row(
        '  repeat visit: start page / calendar',
        `${fixed(p.startRepeatKb, 1)} / ${fixed(p.calendarRepeatKb, 1)} kB`,
        '<= 10 kB',
        repeat <= TARGETS.repeatVisitKb,
      ),
    );
  }
  return rows;
}

function writes(f: Figures): Row[] {
  const b = f.booking;
  const rows: Row[] = [row('pgbench -N (8 clients, 10 s)', `${fixed(f.pgbench.tps)} tps`, 'ceiling')];
  if (f.bookingCeiling)
    rows.push(
      row(
        `booking's own transaction in pgbench (${f.bookingCeiling.clients} clients)`,
        `${fixed(f.bookingCeiling.tps)} tps`,
        'ceiling',
      ),
    );
  rows.push(
    row(`booking (${b.attempts} confirms, ${b.concurrency} at a time)`, `${fixed(b.bookingsPerSec)} bookings/s`),
  );
  if (f.bookingCeiling) {
    const r = b.bookingsPerSec / f.bookingCeiling.tps;
    rows.push(row('  booking / its own transaction', percent(r), '>= 35%', r >= TARGETS.bookingShareOfCeiling));
  }
  rows.push(
    row('  booking / pgbench -N', percent(b.bookingsPerSec / f.pgbench.tps)),
    row('  booking p50 / p99', `${fixed(b.p50Ms, 1)} / ${fixed(b.p99Ms, 1)} ms`),
    row(
      '  booked / in database',
      `${b.booked} / ${b.createdInDatabase}`,
      `${b.attempts} / ${b.attempts}`,
      b.booked === b.attempts && b.createdInDatabase === b.booked,
    ),
  );
  const r = f.race;
  rows.push(
    row(
      `race (${r.clients} clients, ${r.slots} slots)`,
      `${r.booked} booked, ${r.justTaken} x 409`,
      `${r.slots}, ${r.clients - r.slots}`,
      r.booked === r.slots && r.justTaken === r.clients - r.slots,
    ),
    row(
      '  slots with exactly 1 appointment',
      `${r.slotsWithExactlyOne}/${r.slots}`,
      `${r.slots}/${r.slots}`,
      r.slotsWithExactlyOne === r.slots,
    ),
    row(
      '  double bookings / 5xx',
      `${r.doubleBookingsInDatabase} / ${r.serverErrors}`,
      '0 / 0',
      r.doubleBookingsInDatabase === 0 && r.serverErrors === 0,
    ),
  );
  for (const p of f.processes ?? [])
    rows.push(
      row(
        `${p.workers} process${p.workers === 1 ? '' : 'es'}: calendar / bookings`,
        `${fixed(p.calendarPerSec)} req/s / ${fixed(p.bookingsPerSec)} bookings/s`,
      ),
    );
  if (f.mail) rows.push(row(`mail delivered to a local SMTP server (${f.mail.messages})`, `${f.mail.perSecond} msg/s`));
  return rows;
}

function resources(f: Figures): Row[] {
  const m = f.memory;
  const rows = [
    row('memory: server RSS after the run', `${fixed(m.rssMb)} MB`, '<= 200 MB', m.rssMb <= TARGETS.serverRssMb),
    row('  RSS after start / peak', `${m.startedMb} / ${fixed(m.peakMb)} MB`),
  ];
  if (f.embedded)
    rows.push(
      row(
        'embedded (npm start): RSS after load / peak',
        `${fixed(f.embedded.rssMbAfterLoad)} / ${fixed(f.embedded.peakMb)} MB`,
        '<= 250 MB',
        f.embedded.rssMbAfterLoad <= TARGETS.embeddedRssMb,
      ),
    );
  const c = f.coldStart;
  rows.push(
    row(
      'first start (embedded, demo data)',
      `${fixed(c.firstSeconds, 2)} s`,
      '<= 15 s',
      c.firstSeconds <= TARGETS.firstStartSeconds,
    ),
    row(
      '  later start (existing data)',
      `${fixed(c.secondSeconds, 2)} s`,
      '<= 5 s',
      c.secondSeconds <= TARGETS.laterStartSeconds,
    ),
  );
  return rows;
}

/** Per case: the slowest route's p99 against its target (not met while a route does not answer). */
function figureRows(f: Figures): Row[] {
  const one = (c: FiguresCase) => {
    const worst = Math.max(...c.routes.map((r) => r.p99Ms));
    const ok = c.answered && worst <= c.targetMs;
    const value = c.answered
      ? `p99 ${fixed(worst)} ms (${c.routes.map((r) => `${r.name} ${fixed(r.p99Ms)}`).join(', ')})`
      : `no answer (${c.routes.map((r) => `${r.name} ${r.status}`).join(', ')})`;
    return row(`figures + exports, ${c.years} year(s), ${c.requests} requests`, value, `p99 <= ${c.targetMs} ms`, ok);
  };
  return f.figures ? [one(f.figures.oneYear), one(f.figures.fiveYears)] : [];
}

/** The table's rows, in the order of the README. */
export function rowsOf(f: Figures): Row[] {
  return [...pages(f), ...figureRows(f), ...writes(f), ...resources(f)];
}

/** Per target: met or not (results.json `pass`); a figure not measured is left out. */
export function passOf(f: Figures): Record<string, boolean> {
  const pass: Record<string, boolean> = {};
  for (const r of rowsOf(f)) if (r.ok !== null) pass[r.measure.trim()] = r.ok;
  return pass;
}

/** The chart: shares of a ceiling, and p99 latencies, each with its target. */
export function panelsOf(f: Figures): Panel[] {
  const shares: Panel = {
    title: 'Throughput as a share of its ceiling (same machine, same run)',
    unit: '%',
    bars: [
      {
        label: 'calendar / hello',
        value: f.calendar.requestsPerSec / f.hello.requestsPerSec,
        target: TARGETS.calendarShareOfHello,
      },
      {
        label: 'calendar while booking / calm',
        value: whileBookingRatio(f),
        target: TARGETS.whileBookingShareOfCalm,
      },
      ...(f.bookingCeiling
        ? [
            {
              label: 'bookings / own transaction in pgbench',
              value: f.booking.bookingsPerSec / f.bookingCeiling.tps,
              target: TARGETS.bookingShareOfCeiling,
            },
          ]
        : []),
      { label: 'bookings / pgbench -N', value: f.booking.bookingsPerSec / f.pgbench.tps },
    ],
  };
  const latency: Panel = {
    title: 'p99 latency',
    unit: 'ms',
    bars: [
      { label: 'calendar', value: f.calendar.p99Ms, target: TARGETS.calendarP99Ms, atMost: true },
      { label: 'calendar while booking', value: f.calendarWhileBooking.p99Ms },
      ...(f.firstAfterWrite
        ? [
            {
              label: `first read after a write (${f.firstAfterWrite.coaches} coaches)`,
              value: f.firstAfterWrite.p99Ms,
              target: TARGETS.firstAfterWriteP99Ms,
              atMost: true,
            },
          ]
        : []),
      { label: 'booking', value: f.booking.p99Ms },
    ],
  };
  const panels = [shares, latency];
  if (f.processes?.length)
    panels.push({
      title: 'Bookings per second by number of portal processes',
      unit: '/s',
      bars: f.processes.map((p) => ({ label: `${p.workers} process(es)`, value: p.bookingsPerSec })),
    });
  return panels;
}
