// The executor type every query helper takes first.
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.js';

/** A database or a transaction: every query helper runs inside the caller's transaction when given one. */
export type Db = Kysely<Database> | Transaction<Database>;
