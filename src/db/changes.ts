// Reads kept in memory, and the database telling every portal process when they are out of date.
//
// The database says what changed: triggers on the tables the calendar is made of (blocks, their
// coaches, appointments, coaches' names and status, teams and their areas) send a notification on
// channel `kt_change` naming the team, or `*` for every team (migration
// 20261130T1600-change-notifications). PostgreSQL delivers it when the writing transaction
// commits, and never for one that rolls back, to every process that listens, within
// milliseconds. No write path can forget it, hand-written SQL included.
//
// Every connection of the portal listens. The connection that commits hears its own
// notification before the commit returns, so a process always reads its own writes; other
// processes hear it as soon as one of their connections is idle. While no connection listens
// (at start, after the database went away) nothing is kept: a notification may have been missed.
//
// Correctness never rests on this: the database's constraints refuse a taken slot, whatever a
// page showed.
import type { Kysely } from 'kysely';

export const CHANGE_CHANNEL = 'kt_change';

/** A notification's payload: the id of the team whose calendar changed, or every team. */
export const ALL_TEAMS = '*';

interface Kept<V> {
  /** The change counter when the read started. */
  since: number;
  at: number;
  value: V;
}

interface Pending<V> {
  since: number;
  promise: Promise<V>;
}

/** What one process knows about changes, and the reads it keeps per team. */
export class ChangeFeed {
  /** Counts every change heard; a kept read is good while nothing in its scope came after it. */
  #tick = 0;
  #lastChange = new Map<string, number>();
  #lastAll = 0;
  #listeners = 0;
  readonly #reads = new Map<string, Map<string, Kept<unknown>>>();
  readonly pending = new Map<string, Pending<unknown>>();
  /** Answers from memory (or from the same read already under way), and reads that went to the database (/metrics). */
  hits = 0;
  misses = 0;
  /** Notifications heard (/metrics). */
  heard = 0;

  /** A notification: `payload` is a team id, or ALL_TEAMS. */
  changed(payload: string): void {
    this.heard += 1;
    this.#tick += 1;
    if (payload === ALL_TEAMS) {
      this.#lastAll = this.#tick;
      this.#reads.clear();
    } else {
      this.#lastChange.set(payload, this.#tick);
      this.#reads.delete(payload);
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
    if (this.#listeners === 0) this.#reads.clear();
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

  kept<V>(scope: string, key: string): Kept<V> | undefined {
    return this.#reads.get(scope)?.get(key) as Kept<V> | undefined;
  }

  keep<V>(scope: string, key: string, kept: Kept<V>): void {
    let perScope = this.#reads.get(scope);
    if (!perScope) this.#reads.set(scope, (perScope = new Map()));
    perScope.set(key, kept);
  }

  /** How many reads are kept (/metrics, tests). */
  get size(): number {
    let n = 0;
    for (const m of this.#reads.values()) n += m.size;
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
 */
export async function cachedRead<V>(
  db: Kysely<any>,
  at: { scope: string | number; key: string },
  o: { ttlMs: number; valid?: (v: V) => boolean },
  read: () => Promise<V>,
): Promise<V> {
  const feed = feedOf(db);
  if (!feed?.trusted) return read();
  const scope = String(at.scope);
  const key = `${scope}|${at.key}`;
  const valid = o.valid ?? (() => true);
  const hit = feed.kept<V>(scope, key);
  if (hit && feed.current(scope, hit.since) && performance.now() - hit.at < o.ttlMs && valid(hit.value)) {
    feed.hits += 1;
    return hit.value;
  }
  const since = feed.tick;
  const pending = feed.pending.get(key) as Pending<V> | undefined;
  if (pending && feed.current(scope, pending.since)) {
    const value = await pending.promise;
    if (valid(value)) {
      feed.hits += 1;
      return value;
    }
  }
  feed.misses += 1;
  const startedAt = performance.now();
  const promise = read();
  feed.pending.set(key, { since, promise });
  try {
    const value = await promise;
    // Kept only when nothing changed while reading: else the read may be from before the change.
    if (feed.trusted && feed.current(scope, since)) feed.keep(scope, key, { since, at: startedAt, value });
    return value;
  } finally {
    if (feed.pending.get(key)?.promise === promise) feed.pending.delete(key);
  }
}
