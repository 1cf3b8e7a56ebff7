// Work in progress of a public flow (the resident's sign-up, a referral), kept in the draft
// table and never in a cookie: questions can be long and personal. The encrypted session holds
// only the draft's id, under a key per flow, so one browser can run both flows side by side.
// Drafts expire after a day; the periodic job deletes them.
//
// Every step of a flow reads its draft, so the drafts this process wrote are also kept in memory
// (a bounded number). Each write gets a new random version, kept next to the id in the session:
// a kept draft is used only when its version is the one the browser's session names, so another
// server's write (the session names a version this process never saw) is read from the database.
//
// What is read from the database is parsed with the flow's schema: a draft written by an older
// version of the portal that no longer fits counts as no draft, and the flow starts again.
import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Transaction } from 'kysely';
import { z } from 'zod';
import type { Database } from '../db/schema.js';
import { deleteDraft, insertDraft, readDraft, replaceDraftData, updateDraft, writeWith } from './draft-rows.js';

/** What every draft has; a flow's schema extends it (`draftBase.extend({...})`). */
export const draftBase = z.object({
  /** Random idempotency key: a repeated submit finds what the flow already stored. */
  key: z.string(),
  /** Set once the flow stored its request; the draft then keeps only its key. */
  bookedRequestId: z.number().int().optional(),
});
export type DraftBase = z.infer<typeof draftBase>;

export const TTL_HOURS = 24;
/** Drafts kept in memory per flow: a few MB at most. */
const KEPT_DRAFTS = 2000;

interface Kept<T> {
  version: string;
  data: T;
  expires: number;
}

export interface DraftStore<T extends DraftBase> {
  load(app: FastifyInstance, req: FastifyRequest): Promise<{ id: string; data: T } | null>;
  /**
   * Merges `patch` into the current draft, starting a new one when there is none (or it was
   * stored). `also` runs in the same transaction as the draft's write: what the patch records
   * as done (an audit event, say) is written with it or not at all.
   */
  save(
    app: FastifyInstance,
    req: FastifyRequest,
    patch: Partial<T>,
    also?: (trx: Transaction<Database>) => Promise<void>,
  ): Promise<T>;
  /**
   * After storing, the draft forgets everything typed but keeps its key, so a second submit of
   * the same form (a double click whose request left with the old cookie) finds what was
   * stored instead of an empty start page.
   */
  markStored(app: FastifyInstance, req: FastifyRequest, requestId: number): Promise<void>;
  discard(app: FastifyInstance, req: FastifyRequest): Promise<void>;
}

// The kept drafts of every flow, per app (each test builds its own). An app is known by its HTTP
// server, which its plugins' encapsulated instances share. Each map is in order of last write,
// which is also the order of expiry: the oldest goes first when full or expired.
const keptByApp = new WeakMap<object, Map<string, Map<string, Kept<DraftBase>>>>();

function keptOf<T extends DraftBase>(app: FastifyInstance, sessionKey: string): Map<string, Kept<T>> {
  let flows = keptByApp.get(app.server);
  if (!flows) keptByApp.set(app.server, (flows = new Map()));
  let m = flows.get(sessionKey);
  if (!m) flows.set(sessionKey, (m = new Map()));
  return m as Map<string, Kept<T>>;
}

/**
 * Forgets kept drafts that expired: what residents typed must not stay in memory longer than in
 * the database (the periodic job calls this when it deletes expired drafts).
 */
export function forgetExpiredDrafts(app: FastifyInstance, now: Date): void {
  for (const kept of keptByApp.get(app.server)?.values() ?? []) {
    for (const [id, k] of kept) if (k.expires <= now.getTime()) kept.delete(id);
  }
}

/** How many drafts of all flows this app keeps in memory. */
export function keptDraftCount(app: FastifyInstance): number {
  let n = 0;
  for (const kept of keptByApp.get(app.server)?.values() ?? []) n += kept.size;
  return n;
}

export function draftStore<T extends DraftBase>(
  sessionKey: string,
  schema: z.ZodType<T, z.ZodTypeDef, unknown>,
): DraftStore<T> {
  const versionKey = `${sessionKey}:v`;
  const keep = (app: FastifyInstance, req: FastifyRequest, id: string, data: T, expires: Date) => {
    const version = randomBytes(9).toString('base64url');
    const kept = keptOf<T>(app, sessionKey);
    kept.delete(id);
    if (kept.size >= KEPT_DRAFTS) kept.delete(kept.keys().next().value!);
    kept.set(id, { version, data: structuredClone(data), expires: expires.getTime() });
    req.session.set(versionKey, version);
  };

  const load = async (app: FastifyInstance, req: FastifyRequest) => {
    const id = req.session.get(sessionKey);
    if (typeof id !== 'string') return null;
    const kept = keptOf<T>(app, sessionKey).get(id);
    if (kept && kept.version === req.session.get(versionKey)) {
      if (kept.expires <= app.now().getTime()) {
        keptOf<T>(app, sessionKey).delete(id);
        return null;
      }
      // A copy: callers may change what they got without changing the kept draft.
      return { id, data: structuredClone(kept.data) };
    }
    const row = await readDraft(app.db, id, app.now());
    if (!row) return null;
    const parsed = schema.safeParse(row.data);
    if (!parsed.success) {
      req.log.info(
        { draft: sessionKey, issues: parsed.error.issues.length },
        'stored draft no longer fits; starting again',
      );
      return null;
    }
    return { id: row.id, data: parsed.data };
  };
  return {
    load,
    async save(app, req, patch, also) {
      const current = await load(app, req);
      const expires = new Date(app.now().getTime() + TTL_HOURS * 3600_000);
      // With `also`, one transaction; the draft is kept in memory only after it committed.
      if (current && !current.data.bookedRequestId) {
        const data = { ...current.data, ...patch };
        await writeWith(app.db, also, (db) => updateDraft(db, current.id, data, expires));
        keep(app, req, current.id, data, expires);
        return data;
      }
      const id = randomUUID();
      const data = { key: randomBytes(32).toString('hex'), ...patch } as T;
      await writeWith(app.db, also, (db) => insertDraft(db, id, data, expires));
      req.session.set(sessionKey, id);
      keep(app, req, id, data, expires);
      return data;
    },
    async markStored(app, req, requestId) {
      const current = await load(app, req);
      if (!current) return;
      const data = { key: current.data.key, bookedRequestId: requestId } as T;
      const expires = await replaceDraftData(app.db, current.id, data);
      if (expires) keep(app, req, current.id, data, expires);
      else keptOf<T>(app, sessionKey).delete(current.id);
    },
    async discard(app, req) {
      const id = req.session.get(sessionKey);
      if (typeof id === 'string') {
        await deleteDraft(app.db, id);
        keptOf<T>(app, sessionKey).delete(id);
      }
      req.session.set(sessionKey, undefined);
      req.session.set(versionKey, undefined);
    },
  };
}
