/**
 * The database the environment points at: reading DATABASE_URL and
 * LMS_DB_SCHEMA, opening the adapter, and saying plainly when it cannot be
 * reached. Everything goes through the adapter's public API.
 */
import type { PostgresStorage } from '../../adapters/postgres/index.js';
import { StorageUnavailableError } from '../../src/storage/index.js';
import { trace, type Io } from './context.js';
import {
  CommandError,
  describeStorageFailure,
  rootCode,
  UsageError,
} from './errors.js';

export type { PostgresStorage };

/** Where the commands' storage lives, read from the environment. */
export interface DatabaseTarget {
  connection: string;
  schema: string | undefined;
  /** host:port/database, never the credentials. */
  display: string;
}

function displayTarget(url: URL): string {
  const host = url.host || 'localhost';

  return `${host}${url.pathname === '/' ? '' : url.pathname}`;
}

/** Reads DATABASE_URL and LMS_DB_SCHEMA; a usage error when unusable. */
export function readDatabaseTarget(io: Io, usage: string): DatabaseTarget {
  const connection = io.env.DATABASE_URL?.trim();

  if (!connection) {
    throw new UsageError('DATABASE_URL is not set. Set it to a ' +
      'PostgreSQL connection string, e.g. postgres://user@host:5432/db', usage);
  }

  let url: URL;

  try {
    url = new URL(connection);
  } catch {
    throw new UsageError('DATABASE_URL is not a valid URL.', usage);
  }
  if (!['postgres:', 'postgresql:'].includes(url.protocol)) {
    throw new UsageError(
      'DATABASE_URL must start with postgres:// or postgresql://', usage);
  }

  return {
    connection,
    schema: io.env.LMS_DB_SCHEMA?.trim() || undefined,
    display: displayTarget(url),
  };
}

/** Names of failures that mean "the database is not answering". */
const OUTAGE_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH',
  'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN',
]);

function isOutage(error: unknown): boolean {
  if (error instanceof StorageUnavailableError) return true;

  const { name } = (error ?? {}) as { name?: unknown };

  return name === 'KnexTimeoutError' ||
    OUTAGE_CODES.has(rootCode(error) ?? '');
}

export interface StorageOptions {
  /** Pool size; one-shot commands need one or two connections. */
  poolMax: number;
}

/**
 * Opens the adapter; a bad LMS_DB_SCHEMA is a usage error. The adapter is
 * loaded here, so help and usage errors never pay for knex and pg.
 */
export async function openStorage(
  target: DatabaseTarget,
  options: StorageOptions,
  usage: string,
): Promise<PostgresStorage> {
  const { createPostgresStorage } = await import(
    '../../adapters/postgres/index.js'
  );

  try {
    return createPostgresStorage({
      connection: target.connection,
      schema: target.schema,
      pool: { min: 0, max: options.poolMax },
    });
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;

    const reason = error.message.replace(/^createPostgresStorage: /, '');
    const setting = reason.includes('`schema`')
      ? 'LMS_DB_SCHEMA'
      : 'DATABASE_URL';

    throw new UsageError(`Invalid ${setting}: ${reason}`, usage);
  }
}

/**
 * Runs `work` with storage opened from the environment and always closes
 * it. An unreachable database becomes a one-line CommandError.
 */
export async function withStorage<T>(
  io: Io,
  usage: string,
  work: (storage: PostgresStorage, target: DatabaseTarget) => Promise<T>,
): Promise<T> {
  const target = readDatabaseTarget(io, usage);
  const storage = await openStorage(target, { poolMax: 2 }, usage);

  try {
    return await work(storage, target);
  } catch (error) {
    throw asCommandError(error, target);
  } finally {
    await storage.close().catch((error: unknown) =>
      trace('closing storage failed: %O', error));
  }
}

/** Maps an outage to a CommandError naming the target; else unchanged. */
export function asCommandError(
  error: unknown,
  target: DatabaseTarget,
): unknown {
  if (!isOutage(error)) return error;

  return new CommandError(describeStorageFailure(error, target.display));
}

/**
 * One indexed read through the port, so a wrong URL or an unmigrated
 * schema fails the start instead of every request.
 */
export async function checkStorage(
  storage: PostgresStorage,
  target: DatabaseTarget,
): Promise<void> {
  try {
    await storage.keys.findKeyByDigest('0'.repeat(64));
  } catch (error) {
    if (rootCode(error) === '42P01') {
      throw new CommandError(`The tables are missing in schema ` +
        `"${target.schema ?? 'public'}": run \`certboost-lms-api migrate\`.`);
    }
    throw asCommandError(error, target);
  }
}
