// Work in progress of a public flow (the resident's sign-up, a referral), kept in the draft
// table and never in a cookie: questions can be long and personal. The encrypted session holds
// only the draft's id, under a key per flow, so one browser can run both flows side by side.
// Drafts expire after a day; the periodic job deletes them.
import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';

export interface DraftBase {
  /** Random idempotency key: a repeated submit finds what the flow already stored. */
  key: string;
  /** Set once the flow stored its request; the draft then keeps only its key. */
  bookedRequestId?: number;
}

const TTL_HOURS = 24;

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
  const load = async (app: FastifyInstance, req: FastifyRequest) => {
    const id = req.session.get(sessionKey);
    if (typeof id !== 'string') return null;
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
        return data;
      }
      const id = randomUUID();
      const data = { key: randomBytes(32).toString('hex'), ...patch } as T;
      await app.db.insertInto('draft').values({ id, data: JSON.stringify(data), expires_at: expires }).execute();
      req.session.set(sessionKey, id);
      return data;
    },
    async markStored(app, req, requestId) {
      const current = await load(app, req);
      if (!current) return;
      const data = { key: current.data.key, bookedRequestId: requestId };
      await app.db.updateTable('draft').set({ data: JSON.stringify(data) }).where('id', '=', current.id).execute();
    },
    async discard(app, req) {
      const id = req.session.get(sessionKey);
      if (typeof id === 'string') await app.db.deleteFrom('draft').where('id', '=', id).execute();
      req.session.set(sessionKey, undefined);
    },
  };
}
