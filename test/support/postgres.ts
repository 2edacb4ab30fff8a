/**
 * Shared setup for the suites that need PostgreSQL. They run against
 * DATABASE_URL; when it cannot be reached they are skipped with one line of
 * output, except under CI, where an unreachable database is a failure.
 */
import { randomBytes } from 'node:crypto';

import knexFactory, { type Knex } from 'knex';
import pg from 'pg';
import { suite } from 'uvu';

import {
  createPostgresStorage,
  type CommonOptions,
  type PostgresStorage,
} from '../../adapters/postgres/index.js';

export const DATABASE_URL =
  process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** The URL without its password, fit for test output. */
function printableUrl(url: string): string {
  try {
    const parsed = new URL(url);

    if (parsed.password) parsed.password = '***';

    return parsed.toString();
  } catch {
    return '<unparseable DATABASE_URL>';
  }
}

async function probe(): Promise<boolean> {
  const client = new pg.Client({
    connectionString: DATABASE_URL,
    connectionTimeoutMillis: 2000,
  });

  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('select 1');

    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

let availability: Promise<boolean> | undefined;
let unreachableReported = false;

/** Whether DATABASE_URL answers; probed once per process. */
export function postgresAvailable(): Promise<boolean> {
  availability ??= probe();

  return availability;
}

function registerUnreachableFailure(url: string): void {
  const failing = suite('postgres');

  failing('PostgreSQL is reachable in CI', () => {
    throw new Error(`PostgreSQL is unreachable in CI at ${url}`);
  });
  failing.run();
}

/**
 * Registers postgres suites when the database answers. Otherwise, once
 * per process, registers a failing test under CI or prints the skip line.
 *
 * @example
 * await describePostgres(() => {
 *   const test = suite('postgres: migrations');
 *   ...
 *   test.run();
 * });
 */
export async function describePostgres(register: () => void): Promise<void> {
  if (await postgresAvailable()) {
    register();

    return;
  }

  // Reported once per process, however many files ask.
  if (unreachableReported) return;
  unreachableReported = true;

  const url = printableUrl(DATABASE_URL);

  if (process.env.CI) registerUnreachableFailure(url);
  else console.log(`postgres suites skipped: ${url} unreachable`);
}

/** A schema name no other test uses. */
export function uniqueSchema(): string {
  return `lms_test_${randomBytes(6).toString('hex')}`;
}

/** A knex instance standing in for a host application's own. */
export function createHostKnex(
  config: Partial<Knex.Config> = {},
): Knex {
  return knexFactory({
    client: 'pg',
    connection: DATABASE_URL,
    pool: { min: 0, max: 4 },
    compileSqlOnError: false,
    ...config,
  });
}

export async function dropSchema(knex: Knex, schema: string): Promise<void> {
  await knex.raw(`drop schema if exists "${schema}" cascade`);
}

export interface TestStorage {
  storage: PostgresStorage;
  schema: string;
  teardown: () => Promise<void>;
}

/**
 * A migrated storage in a fresh schema, on its own pool (or on `hostKnex`).
 * Teardown drops the schema and closes the storage.
 */
export async function createTestStorage(
  extra: CommonOptions & { hostKnex?: Knex } = {},
): Promise<TestStorage> {
  const { hostKnex, ...rest } = extra;
  const schema = rest.schema ?? uniqueSchema();
  const storage = createPostgresStorage(
    hostKnex
      ? { ...rest, schema, knex: hostKnex }
      : { ...rest, schema, connection: DATABASE_URL, pool: { max: 4 } },
  );

  await storage.migrate();

  return {
    storage,
    schema,
    teardown: async () => {
      await dropSchema(storage.knex, schema);
      await storage.close();
    },
  };
}
