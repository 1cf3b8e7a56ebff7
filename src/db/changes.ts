// Knows when the tables the calendar is made of changed, so their reads can be kept in memory.
//
// The database client is wrapped: every statement that writes one of the watched tables marks
// its connection, and once that write is committed (at the end of its transaction, or at once
// outside one) the version goes up. A cached read is valid only while the version it was read
// at is still current, so a reader never keeps what a committed write of this process changed.
// Writes made elsewhere (a second server, SQL by hand) are not seen: callers bound how long they
// trust a read (see cachedRead below). Correctness never rests on this: the database's
// constraints refuse a taken slot, whatever a page showed.
import type {
  CompiledQuery,
  DatabaseConnection,
  Dialect,
  Driver,
  Kysely,
  QueryResult,
  TransactionSettings,
} from 'kysely';

/** The tables a resident's calendar (free times, teams, neighbours) is read from. */
const WATCHED =
  /\b(?:insert\s+into|update|delete\s+from|merge\s+into|truncate(?:\s+table)?)\s+(?:only\s+)?"?(?:public"?\."?)?(?:block|block_coach|appointment|team|team_area|team_neighbour)"?(?:\s|\(|$|;)/i;

export function writesWatchedTable(sqlText: string): boolean {
  return WATCHED.test(sqlText);
}

interface Kept<V> {
  version: number;
  at: number;
  value: V;
}

interface Pending<V> {
  version: number;
  promise: Promise<V>;
}

export class ChangeWatch {
  #version = 0;
  /** Reads kept in memory (cachedRead), each with the version it was read at. */
  readonly reads = new Map<string, Kept<unknown>>();
  readonly pending = new Map<string, Pending<unknown>>();
  /** cachedRead answers from memory (or from the same read already under way), and reads that went to the database (/metrics). */
  hits = 0;
  misses = 0;
  get version(): number {
    return this.#version;
  }
  /** A committed change: everything read before it is out of date. */
  changed(): void {
    this.#version += 1;
    // Every kept read is now out of date: free the memory at once.
    this.reads.clear();
  }
}

class WatchedConnection implements DatabaseConnection {
  inTransaction = false;
  dirty = false;
  constructor(
    readonly inner: DatabaseConnection,
    private readonly watch: ChangeWatch,
  ) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const writes = writesWatchedTable(query.sql);
    try {
      return await this.inner.executeQuery<R>(query);
    } finally {
      // Also after an error: a failed statement may still be part of a transaction that commits
      // other writes, and an extra change costs only one fresh read.
      if (writes) {
        if (this.inTransaction) this.dirty = true;
        else this.watch.changed();
      }
    }
  }

  streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    if (writesWatchedTable(query.sql)) {
      if (this.inTransaction) this.dirty = true;
      else this.watch.changed();
    }
    return this.inner.streamQuery<R>(query, chunkSize);
  }
}

class WatchedDriver implements Driver {
  constructor(
    private readonly inner: Driver,
    private readonly watch: ChangeWatch,
  ) {}

  init(): Promise<void> {
    return this.inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    return new WatchedConnection(await this.inner.acquireConnection(), this.watch);
  }

  async beginTransaction(conn: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const c = conn as WatchedConnection;
    // The inner driver always gets its own connection: it may call private methods on it (the
    // pg driver marks a connection whose rollback failed, so the pool drops it).
    await this.inner.beginTransaction(c.inner, settings);
    c.inTransaction = true;
    c.dirty = false;
  }

  async commitTransaction(conn: DatabaseConnection): Promise<void> {
    const c = conn as WatchedConnection;
    try {
      await this.inner.commitTransaction(c.inner);
    } finally {
      // Even when the commit's outcome is unknown (a lost connection), assume it happened.
      if (c.dirty) this.watch.changed();
      c.inTransaction = false;
      c.dirty = false;
    }
  }

  async rollbackTransaction(conn: DatabaseConnection): Promise<void> {
    const c = conn as WatchedConnection;
    try {
      await this.inner.rollbackTransaction(c.inner);
    } finally {
      c.inTransaction = false;
      c.dirty = false;
    }
  }

  async savepoint(
    conn: DatabaseConnection,
    name: string,
    compile: Parameters<NonNullable<Driver['savepoint']>>[2],
  ): Promise<void> {
    if (!this.inner.savepoint) throw new Error('savepoints are not supported');
    await this.inner.savepoint((conn as WatchedConnection).inner, name, compile);
  }

  async rollbackToSavepoint(
    conn: DatabaseConnection,
    name: string,
    compile: Parameters<NonNullable<Driver['rollbackToSavepoint']>>[2],
  ): Promise<void> {
    if (!this.inner.rollbackToSavepoint) throw new Error('savepoints are not supported');
    await this.inner.rollbackToSavepoint((conn as WatchedConnection).inner, name, compile);
  }

  async releaseSavepoint(
    conn: DatabaseConnection,
    name: string,
    compile: Parameters<NonNullable<Driver['releaseSavepoint']>>[2],
  ): Promise<void> {
    if (!this.inner.releaseSavepoint) throw new Error('savepoints are not supported');
    await this.inner.releaseSavepoint((conn as WatchedConnection).inner, name, compile);
  }

  releaseConnection(conn: DatabaseConnection): Promise<void> {
    return this.inner.releaseConnection((conn as WatchedConnection).inner);
  }

  destroy(): Promise<void> {
    return this.inner.destroy();
  }
}

/** `dialect`, with every committed write to a watched table counted in `watch`. */
export function watchedDialect(dialect: Dialect, watch: ChangeWatch): Dialect {
  return {
    createAdapter: () => dialect.createAdapter(),
    createDriver: () => new WatchedDriver(dialect.createDriver(), watch),
    createIntrospector: (db) => dialect.createIntrospector(db),
    createQueryCompiler: () => dialect.createQueryCompiler(),
  };
}

const watches = new WeakMap<object, ChangeWatch>();

export function registerWatch(db: Kysely<any>, watch: ChangeWatch): void {
  watches.set(db, watch);
}

/**
 * The watch of a database opened by openDatabase. A transaction has none: inside one, reads
 * must see the transaction's own writes, so they always go to the database.
 */
export function watchOf(db: Kysely<any>): ChangeWatch | undefined {
  return watches.get(db);
}

/**
 * Reads through the watch's memory when `db` is a watched database, else straight from the
 * database. A kept read is used while no watched table changed, for at most `ttlMs` (changes
 * made by other processes), and when `valid` accepts it. Concurrent misses of a key share one
 * read. Keys are the caller's: prefix them with the module's name.
 */
export async function cachedRead<V>(
  db: Kysely<any>,
  key: string,
  o: { ttlMs: number; valid?: (v: V) => boolean },
  read: () => Promise<V>,
): Promise<V> {
  const watch = watchOf(db);
  if (!watch) return read();
  const valid = o.valid ?? (() => true);
  const version = watch.version;
  const hit = watch.reads.get(key) as Kept<V> | undefined;
  if (hit && hit.version === version && performance.now() - hit.at < o.ttlMs && valid(hit.value)) {
    watch.hits += 1;
    return hit.value;
  }
  const pending = watch.pending.get(key) as Pending<V> | undefined;
  if (pending && pending.version === version) {
    const value = await pending.promise;
    if (valid(value)) {
      watch.hits += 1;
      return value;
    }
  }
  watch.misses += 1;
  const at = performance.now();
  const promise = read();
  watch.pending.set(key, { version, promise });
  try {
    const value = await promise;
    // Kept only when nothing changed while reading: else the read may be from before the change.
    if (watch.version === version) watch.reads.set(key, { version, at, value });
    return value;
  } finally {
    if (watch.pending.get(key)?.promise === promise) watch.pending.delete(key);
  }
}
