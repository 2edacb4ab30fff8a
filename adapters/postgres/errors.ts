/**
 * Turns driver and pool failures into the port's errors. The originals stay
 * reachable as `cause` for operators; the new messages are the port's fixed
 * ones, because knex puts the SQL text into the message of every query
 * error it rethrows.
 */
import {
  DuplicateSubscriptionError,
  StorageUnavailableError,
  UnknownReferenceError,
} from '../../src/storage/index.js';
import type { Names } from './names.js';

/** Socket-level failures: the server is down, restarting or unreachable. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * SQLSTATEs that say "not now" rather than "never": shutdowns, crash
 * recovery, too many clients, and statement_timeout (57014).
 */
const SERVER_CODES = new Set(['57P01', '57P02', '57P03', '57014', '53300']);

/** node-postgres reports lost sockets with plain errors and these texts. */
const DRIVER_MESSAGES = [
  'Connection terminated',
  'timeout expired',
  'Client has encountered a connection error',
  'Client was closed and is not queryable',
];

/** Pool acquire timeouts, from knex and from tarn underneath it. */
const TIMEOUT_NAMES = new Set(['KnexTimeoutError', 'TimeoutError']);

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  constraint?: unknown;
  cause?: unknown;
  errors?: unknown;
}

function isErrorLike(value: unknown): value is ErrorLike {
  return typeof value === 'object' && value !== null;
}

function describesOutage(error: ErrorLike): boolean {
  const code = typeof error.code === 'string' ? error.code : '';
  const message = typeof error.message === 'string' ? error.message : '';

  return (
    TIMEOUT_NAMES.has(String(error.name)) ||
    NETWORK_CODES.has(code) ||
    SERVER_CODES.has(code) ||
    code.startsWith('08') ||
    DRIVER_MESSAGES.some((text) => message.includes(text))
  );
}

/** The error and what it wraps: `cause` chains and AggregateError lists. */
function* related(error: unknown, depth = 0): Generator<ErrorLike> {
  if (!isErrorLike(error) || depth > 5) return;

  yield error;
  yield* related(error.cause, depth + 1);
  if (Array.isArray(error.errors)) {
    for (const inner of error.errors) yield* related(inner, depth + 1);
  }
}

/** True when the failure means the database cannot be used right now. */
export function isOutage(error: unknown): boolean {
  for (const candidate of related(error)) {
    if (describesOutage(candidate)) return true;
  }

  return false;
}

/** Maps constraint names to the domain error their violation means. */
export type ConstraintErrors = Map<string, () => Error>;

/** The constraints of one storage instance, by their prefixed names. */
export function constraintErrors(names: Names): ConstraintErrors {
  const { constraint } = names;

  const unknown = (field: 'userId' | 'categoryId') => () =>
    new UnknownReferenceError(field);

  return new Map<string, () => Error>([
    [constraint.attemptsUser, unknown('userId')],
    [constraint.attemptsCategory, unknown('categoryId')],
    [constraint.subscriptionIdentity, () => new DuplicateSubscriptionError()],
  ]);
}

function violatedConstraint(error: unknown): string | null {
  if (!isErrorLike(error)) return null;

  const violation = error.code === '23503' || error.code === '23505';

  return violation && typeof error.constraint === 'string'
    ? error.constraint
    : null;
}

/**
 * The error a port method should throw for `error`: a domain error for a
 * known constraint, StorageUnavailableError for an outage, else `error`.
 */
export function translateError(
  error: unknown,
  constraints: ConstraintErrors,
): unknown {
  const constraint = violatedConstraint(error);
  const domain = constraint === null ? undefined : constraints.get(constraint);

  if (domain) return domain();
  if (error instanceof StorageUnavailableError) return error;
  if (isOutage(error)) return new StorageUnavailableError({ cause: error });

  return error;
}

/** Why a call was refused before it reached the database. */
export function acquireTimeout(ms: number): StorageUnavailableError {
  const cause = new Error(`No connection became free within ${ms} ms.`);

  cause.name = 'TimeoutError';

  return new StorageUnavailableError({ cause });
}
