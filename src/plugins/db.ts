import fp from 'fastify-plugin';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';

declare module 'fastify' {
  interface FastifyInstance {
    db: Kysely<Database>;
    /** The current time. Tests pass a fixed clock; nothing else calls `new Date()` for rules. */
    now: () => Date;
  }
}

export interface DbPluginOptions {
  db: Kysely<Database>;
  now: () => Date;
  close?: () => Promise<void>;
}

export default fp<DbPluginOptions>(
  async (app, opts) => {
    app.decorate('db', opts.db);
    app.decorate('now', opts.now);
    if (opts.close) {
      const close = opts.close;
      app.addHook('onClose', async () => close());
    }
  },
  { name: 'db' },
);
