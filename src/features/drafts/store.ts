// Work in progress of a public flow (the resident's sign-up, a referral), kept in the draft
// table and never in a cookie: questions can be long and personal. The encrypted session holds
// only the draft's id, under a key per flow, so one browser can run both flows side by side.
// Drafts expire after a day; the periodic job deletes them.
//
// Every step of a flow reads its draft, so the drafts this process wrote are also kept in memory
// (a bounded number). Each write gets a new random version, kept next to the id in the session:
// a kept draft is used only when its version is the one the browser's session names, so another
// server's write (the session names a version this process never saw) is read from the database.
import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';

export interface DraftBase {
  /** Random idempotency key: a repeated submit finds what the flow already stored. */
  key: string;
  /** Set once the flow stored its request; the draft then keeps only its key. */
  bookedRequestId?: number;
}

const TTL_HOURS = 24;
/** Drafts kept in memory per flow: a few MB at most. */
const KEPT_DRAFTS = 2000;

interface Kept<T> {
  version: string;
  data: T;
  expires: number;
}

export interface DraftStore<T extends DraftBase> {
  load(app: FastifyInstance, req: FastifyRequest): Promise<{ id: string; data: T } | null>;
  /** Merges `patch` into the current draft, starting a new one when there is none (or it was stored). */
  save(app: FastifyInstance, req: FastifyRequest, patch: Partial<T>): Promise<T>;
  /**
   * After storing, the draft forgets everything typed but keeps its key, so a second submit of
   * the same form (a double click whose request left with the old cookie) finds what was
   * stored instead of an empty start page.
   */
  markStored(app: FastifyInstance, req: FastifyRequest, requestId: number): Promise<void>;
  discard(app: FastifyInstance, req: FastifyRequest): Promise<void>;
}

export function draftStore<T extends DraftBase>(sessionKey: string): DraftStore<T> {
  const versionKey = `${sessionKey}:v`;
  // Per app (each test builds its own), in order of last write: the oldest goes first when full.
  const keptByApp = new WeakMap<FastifyInstance, Map<string, Kept<T>>>();
  const keptOf = (app: FastifyInstance) => {
    let m = keptByApp.get(app);
    if (!m) keptByApp.set(app, (m = new Map()));
    return m;
  };
  const keep = (app: FastifyInstance, req: FastifyRequest, id: string, data: T, expires: Date) => {
    const version = randomBytes(9).toString('base64url');
    const kept = keptOf(app);
    kept.delete(id);
    if (kept.size >= KEPT_DRAFTS) kept.delete(kept.keys().next().value!);
    kept.set(id, { version, data: structuredClone(data), expires: expires.getTime() });
    req.session.set(versionKey, version);
  };

  const load = async (app: FastifyInstance, req: FastifyRequest) => {
    const id = req.session.get(sessionKey);
    if (typeof id !== 'string') return null;
    const kept = keptOf(app).get(id);
    if (kept && kept.version === req.session.get(versionKey)) {
      // A copy: callers may change what they got without changing the kept draft.
      return kept.expires > app.now().getTime() ? { id, data: structuredClone(kept.data) } : null;
    }
    const row = await app.db.selectFrom('draft').select(['id', 'data']).where('id', '=', id).where('expires_at', '>', app.now()).executeTakeFirst();
    return row ? { id: row.id, data: row.data as unknown as T } : null;
  };
  return {
    load,
    async save(app, req, patch) {
      const current = await load(app, req);
      const expires = new Date(app.now().getTime() + TTL_HOURS * 3600_000);
      if (current && !current.data.bookedRequestId) {
        const data = { ...current.data, ...patch };
        await app.db.updateTable('draft').set({ data: JSON.stringify(data), expires_at: expires }).where('id', '=', current.id).execute();
        keep(app, req, current.id, data, expires);
        return data;
      }
      const id = randomUUID();
      const data = { key: randomBytes(32).toString('hex'), ...patch } as T;
      await app.db.insertInto('draft').values({ id, data: JSON.stringify(data), expires_at: expires }).execute();
      req.session.set(sessionKey, id);
      keep(app, req, id, data, expires);
      return data;
    },
    async markStored(app, req, requestId) {
      const current = await load(app, req);
      if (!current) return;
      const data = { key: current.data.key, bookedRequestId: requestId } as T;
      const row = await app.db.updateTable('draft').set({ data: JSON.stringify(data) }).where('id', '=', current.id).returning('expires_at').executeTakeFirst();
      if (row) keep(app, req, current.id, data, row.expires_at);
      else keptOf(app).delete(current.id);
    },
    async discard(app, req) {
      const id = req.session.get(sessionKey);
      if (typeof id === 'string') {
        await app.db.deleteFrom('draft').where('id', '=', id).execute();
        keptOf(app).delete(id);
      }
      req.session.set(sessionKey, undefined);
      req.session.set(versionKey, undefined);
    },
  };
}
