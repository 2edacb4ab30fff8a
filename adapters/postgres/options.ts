/**
 * Options of `createPostgresStorage`: their types, defaults and the checks
 * that run once, at construction, so a typo fails at startup and not on the
 * first request.
 */
import type { Knex } from 'knex';

/** Options shared by both ways of connecting. */
export interface CommonOptions {
  /**
   * Postgres schema that holds every table; `migrate()` creates it when it
   * is missing. Lowercase letters, digits and `_`. Default `'public'`.
   */
  schema?: string;
  /**
   * Prepended to every table, index and constraint name, so the tables can
   * share a schema with the host's own. Lowercase letters, digits and `_`,
   * at most 32 characters, may be empty. Default `'lms_'`.
   */
  tablePrefix?: string;
  /**
   * How long a call waits for a pooled connection (and, with `connection`,
   * for a new one to open) before it fails with StorageUnavailableError.
   * Default `2000`.
   */
  acquireTimeoutMs?: number;
  /**
   * Server-side limit on each statement, in milliseconds; `0` turns it
   * off. With `knex` it is set per transaction with `SET LOCAL`, since the
   * host's connections are not the adapter's to configure. Default `5000`.
   */
  statementTimeoutMs?: number;
}

/** Use the host's Knex instance; `close()` leaves it open. */
export interface HostKnexOptions extends CommonOptions {
  /** A Knex instance with the `pg` client. */
  knex: Knex;
  connection?: never;
  pool?: never;
}

/** Let the adapter open and own a pool; `close()` destroys it. */
export interface ConnectionOptions extends CommonOptions {
  /** A connection string, or a node-postgres connection config. */
  connection: string | Knex.PgConnectionConfig;
  /**
   * Pool size. Default `{ min: 0, max: 20 }`: a webhook worker on the same
   * storage holds up to its `concurrency` (default 16) connections while
   * it records outcomes, and the API's requests need some left over.
   * Raise `max` with the worker's concurrency, within the server's
   * `max_connections` shared by every process.
   *
   * @example
   * createPostgresStorage({ connection: url, pool: { max: 40 } });
   */
  pool?: { min?: number; max?: number };
  knex?: never;
}

/**
 * @example
 * createPostgresStorage({ connection: process.env.DATABASE_URL });
 * createPostgresStorage({ knex: hostKnex, schema: 'lms' });
 */
export type PostgresStorageOptions = HostKnexOptions | ConnectionOptions;

/** Options after defaults, copied so the caller's object is never kept. */
export interface ResolvedOptions {
  hostKnex: Knex | null;
  connection: Knex.PgConnectionConfig | null;
  pool: { min: number; max: number };
  schema: string;
  tablePrefix: string;
  acquireTimeoutMs: number;
  statementTimeoutMs: number;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;
const MAX_PREFIX = 32;
const MAX_IDENTIFIER = 63;
/** Above the webhook worker's default concurrency of 16; see `pool`. */
const DEFAULT_POOL_MAX = 20;

function fail(message: string): never {
  throw new TypeError(`createPostgresStorage: ${message}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkInteger(name: string, value: unknown, min: number): number {
  if (!Number.isSafeInteger(value) || (value as number) < min) {
    fail(`Expected \`${name}\` to be an integer of at least ${min}.`);
  }

  return value as number;
}

function checkSchema(value: unknown): string {
  const valid =
    typeof value === 'string' &&
    IDENTIFIER.test(value) &&
    value.length <= MAX_IDENTIFIER &&
    !value.startsWith('pg_');

  if (!valid) {
    fail(
      'Expected `schema` to be a lowercase identifier ' +
        '(letters, digits, `_`; not starting with `pg_`).',
    );
  }

  return value as string;
}

function checkPrefix(value: unknown): string {
  const valid =
    typeof value === 'string' &&
    (value === '' || IDENTIFIER.test(value)) &&
    value.length <= MAX_PREFIX;

  if (!valid) {
    fail(
      'Expected `tablePrefix` to be empty or a lowercase identifier ' +
        `of at most ${MAX_PREFIX} characters.`,
    );
  }

  return value as string;
}

function checkHostKnex(value: unknown): Knex {
  // A Knex instance is a function with methods attached.
  const candidate = (typeof value === 'function' ? value : {}) as {
    transaction?: unknown;
    raw?: unknown;
    client?: { dialect?: unknown };
  };
  const looksLikeKnex =
    typeof candidate.transaction === 'function' &&
    typeof candidate.raw === 'function';

  if (!looksLikeKnex) fail('Expected `knex` to be a Knex instance.');
  if (candidate.client?.dialect !== 'postgresql') {
    fail('Expected `knex` to use the `pg` client.');
  }

  return value as Knex;
}

function checkConnection(value: unknown): Knex.PgConnectionConfig {
  if (typeof value === 'string' && value.length > 0) {
    return { connectionString: value };
  }
  if (isObject(value)) return { ...value } as Knex.PgConnectionConfig;

  return fail(
    'Expected `connection` to be a connection string or a config object.',
  );
}

function checkPool(value: unknown): { min: number; max: number } {
  if (value === undefined) return { min: 0, max: DEFAULT_POOL_MAX };
  if (!isObject(value)) fail('Expected `pool` to be an object.');

  const min = checkInteger('pool.min', value.min ?? 0, 0);
  const max = checkInteger(
    'pool.max', value.max ?? Math.max(DEFAULT_POOL_MAX, min), 1);

  if (min > max) fail('Expected `pool.min` to be at most `pool.max`.');

  return { min, max };
}

function checkSource(options: Record<string, unknown>): void {
  const hasKnex = options.knex !== undefined;
  const hasConnection = options.connection !== undefined;

  if (hasKnex && hasConnection) {
    fail('Pass either `knex` or `connection`, not both.');
  }
  if (!hasKnex && !hasConnection) {
    fail('Expected `connection` (a string or config) or `knex` (an instance).');
  }
  if (hasKnex && options.pool !== undefined) {
    fail('`pool` applies only with `connection`; size the host pool instead.');
  }
}

/** Validates the options, applies the defaults and returns a copy. */
export function resolveOptions(options: unknown): ResolvedOptions {
  if (!isObject(options)) fail('Expected `options` to be an object.');

  checkSource(options);

  const hostKnex =
    options.knex === undefined ? null : checkHostKnex(options.knex);

  return {
    hostKnex,
    connection: hostKnex ? null : checkConnection(options.connection),
    pool: hostKnex ? { min: 0, max: 0 } : checkPool(options.pool),
    schema: checkSchema(options.schema ?? 'public'),
    tablePrefix: checkPrefix(options.tablePrefix ?? 'lms_'),
    acquireTimeoutMs: checkInteger(
      'acquireTimeoutMs', options.acquireTimeoutMs ?? 2000, 1),
    statementTimeoutMs: checkInteger(
      'statementTimeoutMs', options.statementTimeoutMs ?? 5000, 0),
  };
}
