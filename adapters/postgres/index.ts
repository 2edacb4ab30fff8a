/**
 * The PostgreSQL adapter: the whole storage port on PostgreSQL 13 or later,
 * with the webhook outbox written in the same transaction as the change it
 * reports, and migrations shipped inside the package.
 *
 * @example
 * const storage = createPostgresStorage({
 *   connection: process.env.DATABASE_URL,
 *   schema: 'lms',
 * });
 * await storage.migrate();
 */
import type { Knex } from 'knex';

import type { LmsStorage } from '../../src/storage/index.js';
import { PostgresAssignments } from './assignments.js';
import { PostgresCatalog } from './catalog.js';
import { createDb } from './db.js';
import { PostgresKeys } from './keys.js';
import { migrate } from './migrate.js';
import type { TableKey } from './names.js';
import { resolveOptions, type PostgresStorageOptions } from './options.js';
import { PostgresWebhooks } from './webhooks.js';

export interface PostgresStorage extends LmsStorage {
  catalog: PostgresCatalog;
  keys: PostgresKeys;
  assignments: PostgresAssignments;
  webhooks: PostgresWebhooks;
  /** The knex instance in use: the host's, or the pool the adapter owns. */
  readonly knex: Knex;
  /** Schema-qualified, quoted name of each table, for the host's own SQL. */
  readonly tables: Readonly<Record<TableKey, string>>;
}

/**
 * Creates the adapter. Options are checked here and a TypeError names the
 * first bad one. No connection opens until the first call.
 *
 * With `connection` the adapter owns a pool and `close()` destroys it; with
 * `knex` it borrows the host's instance and `close()` leaves it alone.
 * Call `migrate()` once at startup; it is safe from several instances.
 *
 * Failures to reach the database, pool and statement timeouts reject with
 * StorageUnavailableError (the driver's error is its `cause`).
 */
export function createPostgresStorage(
  options: PostgresStorageOptions,
): PostgresStorage {
  const db = createDb(resolveOptions(options));

  return {
    catalog: new PostgresCatalog(db),
    keys: new PostgresKeys(db),
    assignments: new PostgresAssignments(db),
    webhooks: new PostgresWebhooks(db),
    knex: db.knex,
    tables: Object.freeze({ ...db.names.table }),
    migrate: () => migrate(db),
    close: () => db.close(),
  };
}

export type {
  CommonOptions,
  ConnectionOptions,
  HostKnexOptions,
  PostgresStorageOptions,
} from './options.js';
export type { TableKey } from './names.js';
export { PostgresAssignments, PostgresCatalog, PostgresKeys, PostgresWebhooks };
