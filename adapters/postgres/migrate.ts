/**
 * `storage.migrate()`: creates the schema and runs pending migrations with
 * knex's migrator, its bookkeeping tables in the same schema.
 *
 * Everything happens in one transaction that first takes an advisory lock
 * named after the schema. Instances starting together therefore queue up
 * instead of racing: knex creates its own bookkeeping tables without a lock,
 * and two concurrent `CREATE SCHEMA IF NOT EXISTS` can still collide.
 */
import type { Knex } from 'knex';

import { trace, type Db } from './db.js';
import { MIGRATIONS, type SchemaMigration } from './migrations/index.js';
import type { Names } from './names.js';

/** Binds each migration to this instance's schema and table prefix. */
function migrationSource(names: Names): Knex.MigrationSource<SchemaMigration> {
  return {
    getMigrations: async () => [...MIGRATIONS],
    getMigrationName: (migration) => migration.name,
    getMigration: async (migration) => ({
      up: (knex: Knex) => migration.up(knex, names),
      down: (knex: Knex) => migration.down(knex, names),
    }),
  };
}

function migratorConfig(names: Names): Knex.MigratorConfig {
  return {
    migrationSource: migrationSource(names),
    tableName: names.migrationsTable,
    schemaName: names.schemaName,
  };
}

/** Creates or upgrades the schema; a no-op when it is current. */
export async function migrate(db: Db): Promise<void> {
  const { names } = db;

  await db.transaction(async (trx) => {
    // Index builds on a large table may outlast the per-call limit.
    await trx.raw('set local statement_timeout = 0');
    await trx.raw('select pg_advisory_xact_lock(hashtext(?))', [
      `certboost-lms-api:migrate:${names.schemaName}`,
    ]);
    await trx.raw(`create schema if not exists ${names.schema}`);

    const [, ran]: [number, string[]] = await trx.migrate.latest(
      migratorConfig(names),
    );

    trace('migrated %s: %d new', names.schemaName, ran.length);
  });
}
