// With TEST_WALL_CLOCK set (an ISO instant with an offset, e.g. 2027-10-30T23:30:00+02:00), the
// wall clock of each test file starts at that instant and keeps ticking in real time, so a test
// that reads today instead of the portal's clock fails on a chosen day. Only Date moves: timers,
// performance.now() and the browser keep the real time. Embedded PGlite reads Date.now(), so its
// now() moves too; a PostgreSQL server keeps its own clock.
const NATIVE = Symbol.for('keukentafel.nativeDate');
const value = process.env.TEST_WALL_CLOCK;

if (value) {
  const start = Date.parse(value);
  if (!/(Z|[+-]\d\d:?\d\d)$/i.test(value) || Number.isNaN(start)) {
    throw new Error(
      `TEST_WALL_CLOCK must be an ISO instant with an offset, like 2027-10-30T23:30:00+02:00 (got ${value})`,
    );
  }
  shiftDate(start);
}

function shiftDate(start: number): void {
  const g = globalThis as typeof globalThis & { [NATIVE]?: DateConstructor };
  // A reused worker process keeps the global: shift the original Date, not a shifted one.
  const NativeDate = (g[NATIVE] ??= globalThis.Date);
  const offset = start - NativeDate.now();
  const now = () => NativeDate.now() + offset;

  class ShiftedDate extends NativeDate {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(now());
      else super(...(args as [string | number | Date]));
    }

    static override now(): number {
      return now();
    }

    // Dates made by Node itself (fs.Stats) or before the shift are Dates too.
    static override [Symbol.hasInstance](instance: unknown): boolean {
      return instance instanceof NativeDate;
    }
  }

  // `Date()` called without `new` returns the current time as a string.
  const ShiftedDateFn = new Proxy(ShiftedDate, { apply: () => new NativeDate(now()).toString() }) as DateConstructor;
  ShiftedDate.prototype.constructor = ShiftedDateFn;
  globalThis.Date = ShiftedDateFn;
}
