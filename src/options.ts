import type { Logger } from './logger.js';
import { silentLogger } from './logger.js';
import {
  checkFunction,
  nonNegativeInteger,
  positiveInteger,
} from './option-checks.js';
import {
  resolveWebhookOptions,
  type ResolvedWebhookOptions,
  type WebhookOptions,
} from './services/delivery/config.js';
import type { AssignmentView } from './services/views.js';
import type { CatalogReader, LmsStorage } from './storage/index.js';

/** Options of {@link createLmsApi}. */
export interface LmsApiOptions {
  /** Where keys, assignments, webhooks and (by default) the catalog live. */
  storage: LmsStorage;
  /**
   * Serve categories, users and attempts from the host's own tables
   * instead of `storage.catalog`. Default: `storage.catalog`.
   */
  catalog?: CatalogReader;
  /** Admin key for every user. Optional; without it only user keys work. */
  masterKey?: string;
  /**
   * Base URL the host is reached at, e.g. `https://lms.example.com`. Used for
   * the docs link and assignment launch URLs.
   */
  publicUrl: string;
  /** Mount point. Default `/api/lms/v1`. */
  prefix?: string;
  /** Header that carries the API key. Default `X-CertBoost-Key`. */
  keyHeader?: string;
  /** `service` in the directory. Default `CertBoost LMS API`. */
  serviceName?: string;
  /**
   * Deep link into the LMS for an assignment. Default
   * `${publicUrl}/Learning/Assignment/${assignmentId}`.
   */
  launchUrl?: (assignment: Omit<AssignmentView, 'launchUrl'>) => string;
  /** A pino-compatible logger. Default: silent. */
  logger?: Logger;
  /** Largest accepted request body in bytes. Default 65536 (64 KiB). */
  bodyLimitBytes?: number;
  /** Clock, for tests. Default `() => new Date()`. */
  now?: () => Date;
  /**
   * How long a key lookup is remembered, in ms; 0 turns the cache off.
   * A key deactivated through `lms.keys` stops at once; one deactivated
   * by another process (the CLI, another instance) within this time.
   * Default 5000.
   */
  keyCacheTtlMs?: number;
  /** lastUsedAt bookkeeping. */
  keyUsage?: {
    /** How often pending uses are written, in ms. Default 1000. */
    flushIntervalMs?: number;
    /** Write a key's lastUsedAt at most this often, in ms. Default 60000. */
    minIntervalMs?: number;
  };
  /**
   * Webhook delivery. By default this instance delivers in the background,
   * https to public addresses only.
   *
   * @example
   * webhooks: { allowPrivateNetworks: true, allowHttp: true } // tests
   */
  webhooks?: WebhookOptions;
}

export interface ResolvedOptions {
  storage: LmsStorage;
  catalog: CatalogReader;
  masterKey: string | undefined;
  publicUrl: string;
  prefix: string;
  keyHeader: string;
  serviceName: string;
  launchUrl: LmsApiOptions['launchUrl'];
  logger: Logger;
  bodyLimitBytes: number;
  now: () => Date;
  keyCacheTtlMs: number;
  flushIntervalMs: number;
  minIntervalMs: number;
  webhooks: ResolvedWebhookOptions;
}

function fail(option: string, expected: string): never {
  throw new TypeError(`createLmsApi: \`${option}\` must be ${expected}`);
}

function isStorage(value: unknown): value is LmsStorage {
  const storage = value as Partial<LmsStorage> | undefined;

  return Boolean(
    storage?.catalog && storage.keys && storage.assignments && storage.webhooks,
  );
}

function optionalString(
  value: unknown,
  option: string,
  check: (text: string) => boolean,
  expected: string,
): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !check(value)) fail(option, expected);

  return value;
}

function isAbsoluteHttpUrl(text: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(text).protocol);
  } catch {
    return false;
  }
}

/** Copies, defaults and checks the options; never mutates the caller's. */
export function resolveOptions(options: LmsApiOptions): ResolvedOptions {
  if (!options || typeof options !== 'object') fail('options', 'an object');
  if (!isStorage(options.storage)) {
    fail('storage', 'a storage adapter, e.g. createMemoryStorage()');
  }
  checkFunction(options.launchUrl, 'launchUrl', fail);
  checkFunction(options.now, 'now', fail);

  const publicUrl = optionalString(options.publicUrl, 'publicUrl',
    isAbsoluteHttpUrl, 'an absolute http(s) URL');

  if (publicUrl === undefined) fail('publicUrl', 'an absolute http(s) URL');
  const logger = options.logger ?? silentLogger;

  if (typeof logger.error !== 'function') {
    fail('logger', 'a pino-compatible logger');
  }

  return {
    storage: options.storage,
    catalog: options.catalog ?? options.storage.catalog,
    masterKey: optionalString(options.masterKey, 'masterKey',
      (k) => k.trim().length >= 8, 'a string of at least 8 characters'),
    publicUrl: publicUrl.replace(/\/+$/, ''),
    prefix: optionalString(options.prefix, 'prefix',
      (p) => /^(\/[\w.~-]+)+$/.test(p), 'a path like /api/lms/v1') ??
      '/api/lms/v1',
    keyHeader: optionalString(options.keyHeader, 'keyHeader',
      (h) => /^[\w-]+$/.test(h), 'an HTTP header name') ?? 'X-CertBoost-Key',
    serviceName: optionalString(options.serviceName, 'serviceName',
      (n) => n.length > 0, 'a non-empty string') ?? 'CertBoost LMS API',
    launchUrl: options.launchUrl,
    logger,
    bodyLimitBytes: positiveInteger(options.bodyLimitBytes, 'bodyLimitBytes',
      64 * 1024, fail),
    now: options.now ?? (() => new Date()),
    keyCacheTtlMs: nonNegativeInteger(options.keyCacheTtlMs, 'keyCacheTtlMs',
      5000, fail),
    flushIntervalMs: positiveInteger(options.keyUsage?.flushIntervalMs,
      'keyUsage.flushIntervalMs', 1000, fail),
    minIntervalMs: positiveInteger(options.keyUsage?.minIntervalMs,
      'keyUsage.minIntervalMs', 60_000, fail),
    webhooks: resolveWebhookOptions(options.webhooks, fail),
  };
}
