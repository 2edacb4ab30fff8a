/**
 * The connection side of the adapter: the knex instance (owned or the
 * host's), how reads and transactions run on it, and the error mapping
 * every call goes through.
 */
import createDebug from 'debug';
import knexFactory, { type Knex } from 'knex';

import {
  acquireTimeout,
  constraintErrors,
  translateError,
  type ConstraintErrors,
} from './errors.js';
import { createNames, type Names } from './names.js';
import type { ResolvedOptions } from './options.js';

/** Tracing for the whole adapter; never given SQL values or secrets. */
export const trace = createDebug('certboost-lms-api:store');

/** What `knex.raw` resolves to with the pg client. */
interface RawResult<Row> {
  rows: Row[];
  rowCount: number | null;
}

/** A value bound to a `?` placeholder. */
export type Binding = Knex.RawBinding;

/** A connection or transaction to run statements on. */
export type Queryable = Knex | Knex.Transaction;

/** Runs one statement and returns its rows. */
export async function select<Row>(
  q: Queryable,
  sql: string,
  bindings: readonly Binding[] = [],
): Promise<Row[]> {
  const result: RawResult<Row> = await q.raw(sql, bindings);

  return result.rows;
}

/** Runs one statement and returns how many rows it touched. */
export async function execute(
  q: Queryable,
  sql: string,
  bindings: readonly Binding[] = [],
): Promise<number> {
  const result: RawResult<unknown> = await q.raw(sql, bindings);

  return result.rowCount ?? 0;
}

/** How the stores reach the database. */
export interface Db {
  readonly knex: Knex;
  readonly names: Names;
  /** Runs one statement, or several that need no atomicity. */
  run<T>(work: (q: Queryable) => Promise<T>): Promise<T>;
  /** Runs `work` in one transaction. */
  transaction<T>(work: (trx: Knex.Transaction) => Promise<T>): Promise<T>;
  /** Destroys the pool when the adapter opened it. */
  close(): Promise<void>;
}

/** Knex's warnings go to the trace instead of the console. */
const quietLog = {
  warn: (message: unknown) => trace('knex warning: %s', message),
  error: (message: unknown) => trace('knex error: %s', message),
  deprecate: (method: unknown) => trace('knex deprecation: %s', method),
  debug: () => undefined,
};

function connectionConfig(options: ResolvedOptions): Knex.PgConnectionConfig {
  return {
    application_name: 'certboost-lms-api',
    ...options.connection,
    // A connect that hangs (a dropped SYN) must fail inside the acquire
    // budget too, or the pool would wait for the OS timeout.
    connectionTimeoutMillis: options.acquireTimeoutMs,
    statement_timeout: options.statementTimeoutMs,
  };
}

/** The pool the adapter owns when it is given a connection. */
function createOwnedKnex(options: ResolvedOptions): Knex {
  return knexFactory({
    client: 'pg',
    connection: connectionConfig(options),
    pool: {
      min: options.pool.min,
      max: options.pool.max,
      acquireTimeoutMillis: options.acquireTimeoutMs,
    },
    acquireConnectionTimeout: options.acquireTimeoutMs,
    // Without this knex inlines the bound values into error messages.
    compileSqlOnError: false,
    log: quietLog,
  });
}

/**
 * Waits at most `ms` for a transaction to begin. A late one is rolled back
 * as soon as it arrives, so the work never runs after its caller gave up.
 */
async function beginWithin(knex: Knex, ms: number): Promise<Knex.Transaction> {
  const pending = knex.transaction();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(acquireTimeout(ms)), ms);
  });

  try {
    return await Promise.race([pending, expired]);
  } catch (error) {
    pending
      .then((late) => late.rollback())
      .catch(() => undefined);
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A transaction on the host's knex. Its pool settings are the host's, so
 * the adapter bounds the wait for a connection itself and limits statement
 * time with SET LOCAL, which ends with the transaction.
 */
async function hostTransaction<T>(
  knex: Knex,
  options: ResolvedOptions,
  work: (trx: Knex.Transaction) => Promise<T>,
): Promise<T> {
  const trx = await beginWithin(knex, options.acquireTimeoutMs);

  try {
    await trx.raw("select set_config('statement_timeout', ?, true)", [
      String(options.statementTimeoutMs),
    ]);

    const result = await work(trx);

    await trx.commit();

    return result;
  } catch (error) {
    if (!trx.isCompleted()) await trx.rollback().catch(() => undefined);
    throw error;
  }
}

async function translated<T>(
  constraints: ConstraintErrors,
  run: () => Promise<T>,
): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const mapped = translateError(error, constraints);

    if (mapped !== error) trace('call failed: %s', describe(error));
    throw mapped;
  }
}

/** Name and SQLSTATE only: the message may hold SQL text. */
function describe(error: unknown): string {
  const { name, code } = (error ?? {}) as { name?: unknown; code?: unknown };

  return `${String(name)} ${code === undefined ? '' : String(code)}`.trim();
}

/** Opens (or adopts) the connection and returns the adapter's runner. */
export function createDb(options: ResolvedOptions): Db {
  const names = createNames(options.schema, options.tablePrefix);
  const constraints = constraintErrors(names);
  const host = options.hostKnex;
  const knex = host ?? createOwnedKnex(options);

  return {
    knex,
    names,
    run: (work) =>
      translated(constraints, () =>
        host ? hostTransaction(host, options, work) : work(knex)),
    transaction: (work) =>
      translated(constraints, () =>
        host ? hostTransaction(host, options, work) : knex.transaction(work)),
    close: async () => {
      if (!host) await knex.destroy();
    },
  };
}
