// Reads kept in memory, and the database telling every portal process when they are out of date.
//
// The database says what changed: triggers on the tables the calendar is made of (blocks, their
// coaches, appointments, coaches' names and status, teams and their areas) send a notification on
// channel `kt_change` (migrations 20261130T1600-change-notifications, 20261201T0900-change-scope):
// `<team>:<block>,<block>,…` when blocks of one team, their coaches or their appointments
// changed, `<team>` for a broader change to one team (a coach's name, status or team), `*` for
// every team. PostgreSQL delivers it when the writing transaction commits, and never for one that
// rolls back, to every process that listens, within milliseconds. No write path can forget it,
// hand-written SQL included.
//
// Every connection of the portal listens. The connection that commits hears its own
// notification before the commit returns, so a process always reads its own writes; other
// processes hear it as soon as one of their connections is idle. While no connection listens
// (at start, after the database went away) nothing is kept: a notification may have been missed.
//
// A kept read (`cachedRead`) is forgotten on any change to its team, and read again. One made of
// parts (the free times of a team, per block: `cachedRead` with `patch`) stays kept when a change
// names parts: the next caller patches it, reading only the parts changed since the kept read
// started (`partsSince`); a change to the whole team forgets it.
// Every heard notification raises a counter (the tick); a read or patch remembers the tick it
// started at, and is kept only when no change to its whole team came after that, so a read that
// a commit overtook is never kept as current; parts changed while a patch was being read are
// patched again by the next caller.
//
// Correctness never rests on this: the database's constraints refuse a taken slot, whatever a
// page showed.

import type { Kysely } from 'kysely';

export const CHANGE_CHANNEL = 'kt_change';

/** A notification's payload: the id of the team whose calendar changed, or every team. */
export const ALL_TEAMS = '*';

/** More parts changed than this since the kept reads of a team started: read the team again. */
const MAX_PARTS = 5_000;

/** What a notification says: a scope (team id or ALL_TEAMS), and the parts (block ids) or null for all. */
export function parseChange(payload: string): { scope: string; parts: number[] | null } {
  const colon = payload.indexOf(':');
  if (colon < 0) return { scope: payload, parts: null };
  const parts = payload.slice(colon + 1).split(',');
  // A payload that does not parse counts as a change to the whole scope.
  const ids = parts.every((p) => /^\d{1,15}$/.test(p)) ? parts.map(Number) : null;
  return { scope: payload.slice(0, colon), parts: ids };
}

/** A read kept since the change counter was `since` (when the read started), read `at`. */
type Kept<V> = { since: number; at: number; value: V };
type Pending<V> = { scope: string; since: number; promise: Promise<V> };

/** What one process knows about changes, and the reads it keeps per team. */
export class ChangeFeed {
  /** Counts every change heard; a kept read is good while nothing in its scope came after it. */
  #tick = 0;
  /** Per scope: the last change of any kind, and the last change to the whole scope. */
  #lastChange = new Map<string, number>();
  #lastWhole = new Map<string, number>();
  #lastAll = 0;
  /** Per scope: when each part last changed (only since the last change to the whole scope). */
  readonly #partTicks = new Map<string, Map<number, number>>();
  #listeners = 0;
  readonly #reads = new Map<string, Map<string, Kept<unknown>>>();
  readonly #patchable = new Map<string, Map<string, Kept<unknown>>>();
  readonly pending = new Map<string, Pending<unknown>>();
  /** Answers from memory (or from the same read already under way), and reads that went to the database (/metrics). */
  hits = 0;
  misses = 0;
  /** Of the misses, those that read only the changed parts of a kept read. */
  patches = 0;
  /** Notifications heard (/metrics). */
  heard = 0;

  /** A notification: `payload` is a team id, a team id with the parts that changed, or ALL_TEAMS. */
  changed(payload: string): void {
    this.heard += 1;
    this.#tick += 1;
    const { scope, parts } = parseChange(payload);
    if (scope === ALL_TEAMS) {
      this.#lastAll = this.#tick;
      this.#reads.clear();
      this.#patchable.clear();
      this.#partTicks.clear();
      return;
    }
    this.#lastChange.set(scope, this.#tick);
    this.#reads.delete(scope);
    let ticks = this.#partTicks.get(scope);
    if (parts && (ticks?.size ?? 0) + parts.length <= MAX_PARTS) {
      if (!ticks) this.#partTicks.set(scope, (ticks = new Map()));
      for (const p of parts) ticks.set(p, this.#tick);
    } else {
      this.#lastWhole.set(scope, this.#tick);
      this.#patchable.delete(scope);
      this.#partTicks.delete(scope);
    }
  }

  /** A connection started listening. The first one after none: anything may have changed meanwhile. */
  listening(): void {
    this.#listeners += 1;
    if (this.#listeners === 1) this.changed(ALL_TEAMS);
  }

  /** A listening connection is gone. */
  deaf(): void {
    this.#listeners = Math.max(0, this.#listeners - 1);
    // Nothing kept can be trusted now: free the memory.
    if (this.#listeners === 0) {
      this.#reads.clear();
      this.#patchable.clear();
    }
  }

  /** Whether kept reads can be trusted: some connection hears every change. */
  get trusted(): boolean {
    return this.#listeners > 0;
  }

  get tick(): number {
    return this.#tick;
  }

  /** Whether a read of `scope` started at `since` is still current. */
  current(scope: string, since: number): boolean {
    return this.#lastAll <= since && (this.#lastChange.get(scope) ?? 0) <= since;
  }

  /** Whether a read of `scope` started at `since` is current but for the parts changed since. */
  patchable(scope: string, since: number): boolean {
    return this.#lastAll <= since && (this.#lastWhole.get(scope) ?? 0) <= since;
  }

  /** The parts of `scope` that changed after `since`. */
  partsSince(scope: string, since: number): Set<number> {
    const out = new Set<number>();
    if ((this.#lastChange.get(scope) ?? 0) <= since) return out;
    for (const [part, tick] of this.#partTicks.get(scope) ?? []) if (tick > since) out.add(part);
    return out;
  }

  kept<V>(scope: string, key: string, patchable = false): Kept<V> | undefined {
    return (patchable ? this.#patchable : this.#reads).get(scope)?.get(key) as Kept<V> | undefined;
  }

  keep<V>(scope: string, key: string, kept: Kept<V>, patchable = false): void {
    const all = patchable ? this.#patchable : this.#reads;
    let perScope = all.get(scope);
    if (!perScope) all.set(scope, (perScope = new Map()));
    const before = perScope.get(key);
    // A slower read that started earlier never replaces a later one.
    if (before && before.since > kept.since) return;
    perScope.set(key, kept);
    if (patchable) this.#forgetOldParts(scope);
  }

  /** Part changes that every kept or pending read of the scope already saw are not needed any more. */
  #forgetOldParts(scope: string): void {
    const ticks = this.#partTicks.get(scope);
    if (!ticks) return;
    let oldest = Infinity;
    for (const k of this.#patchable.get(scope)?.values() ?? []) oldest = Math.min(oldest, k.since);
    for (const p of this.pending.values()) if (p.scope === scope) oldest = Math.min(oldest, p.since);
    for (const [part, tick] of ticks) if (tick <= oldest) ticks.delete(part);
  }

  /** How many reads are kept (/metrics, tests). */
  get size(): number {
    let n = 0;
    for (const m of this.#reads.values()) n += m.size;
    for (const m of this.#patchable.values()) n += m.size;
    return n;
  }
}

const feeds = new WeakMap<object, ChangeFeed>();

export function registerFeed(db: Kysely<any>, feed: ChangeFeed): void {
  feeds.set(db, feed);
}

/**
 * The feed of a database opened by openDatabase. A transaction has none: inside one, reads must
 * see the transaction's own writes, so they always go to the database.
 */
export function feedOf(db: Kysely<any>): ChangeFeed | undefined {
  return feeds.get(db);
}

/**
 * Reads through memory when `db` is a database opened by openDatabase, else straight from the
 * database. A kept read is used while no change to its team (`scope`: a team id, or ALL_TEAMS
 * for reads about every team) was heard, for at most `ttlMs`, and when `valid` accepts it.
 * Concurrent misses of a key share one read. Keys are the caller's: prefix them with the module's
 * name.
 *
 * With `patch`, for a read made of parts (blocks): a change naming parts of the scope does not
 * forget the kept read; the next caller calls `patch` with the kept value and the parts changed
 * since it was read (at least one), and keeps its answer. A change to the whole scope reads again.
 */
export async function cachedRead<V>(
  db: Kysely<any>,
  at: { scope: string | number; key: string },
  o: { ttlMs: number; valid?: (v: V) => boolean; patch?: (kept: V, parts: ReadonlySet<number>) => Promise<V> },
  read: () => Promise<V>,
): Promise<V> {
  const feed = feedOf(db);
  if (!feed?.trusted) return read();
  const scope = String(at.scope);
  const key = `${scope}|${at.key}`;
  const valid = o.valid ?? (() => true);
  const patch = o.patch;
  const parted = patch !== undefined;
  const good = (since: number) => (parted ? feed.patchable(scope, since) : feed.current(scope, since));
  const hit = feed.kept<V>(scope, key, parted);
  const usable = hit && good(hit.since) && performance.now() - hit.at < o.ttlMs && valid(hit.value) ? hit : null;
  const parts = usable && parted ? feed.partsSince(scope, usable.since) : new Set<number>();
  if (usable && parts.size === 0) {
    feed.hits += 1;
    return usable.value;
  }
  const pending = feed.pending.get(key) as Pending<V> | undefined;
  if (pending && good(pending.since) && (!parted || feed.partsSince(scope, pending.since).size === 0)) {
    const value = await pending.promise;
    if (valid(value)) {
      feed.hits += 1;
      return value;
    }
  }
  const since = feed.tick;
  feed.misses += 1;
  const startedAt = performance.now();
  const base = patch && usable ? usable : null;
  if (base) feed.patches += 1;
  const promise = base && patch ? patch(base.value, parts) : read();
  feed.pending.set(key, { scope, since, promise });
  try {
    const value = await promise;
    // Kept only when nothing changed while reading: else the read may be from before the change.
    // A patch keeps the age of the read it patched (the time limit is a backstop for the whole).
    if (feed.trusted && good(since)) feed.keep(scope, key, { since, at: base?.at ?? startedAt, value }, parted);
    return value;
  } finally {
    if (feed.pending.get(key)?.promise === promise) feed.pending.delete(key);
  }
}
