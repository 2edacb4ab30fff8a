/**
 * Webhook delivery as its own process: the API instances only write the
 * outbox (`webhooks: { dispatch: false }`) and workers deliver it.
 */
import { silentLogger, type Logger } from '../../logger.js';
import type { LmsStorage } from '../../storage/index.js';
import {
  resolveDeliveryConfig,
  type DeliveryTuning,
  type OptionFailure,
} from './config.js';
import { createDispatcher, type DispatchCounts } from './dispatcher.js';
import type { NetworkPolicy } from './ssrf.js';

/** Options of {@link createWebhookWorker}. */
export interface WebhookWorkerOptions extends DeliveryTuning {
  /** The adapter the API writes to; only `storage.webhooks` is used. */
  storage: Pick<LmsStorage, 'webhooks'>;
  /** A pino-compatible logger. Default: silent. */
  logger?: Logger;
  /** Clock, for tests. Default `() => new Date()`. */
  now?: () => Date;
  /**
   * Exceptions to the SSRF guard. Both default to false: only https, and
   * only public addresses. Use the same values as the API instances.
   */
  network?: Partial<NetworkPolicy>;
}

/** A running delivery worker. */
export interface WebhookWorker {
  /** Starts polling; the timer keeps the process alive until close. */
  start(): void;
  /** Delivers one batch of due deliveries and reports what happened. */
  runOnce(): Promise<DispatchCounts>;
  /** Stops claiming and waits for the attempts in flight. */
  close(): Promise<void>;
}

const fail: OptionFailure = (option, expected) => {
  throw new TypeError(
    `createWebhookWorker: \`${option}\` must be ${expected}`,
  );
};

function checkOptions(options: WebhookWorkerOptions): void {
  if (!options || typeof options !== 'object') fail('options', 'an object');

  const webhooks = options.storage?.webhooks;

  if (typeof webhooks?.claimDueDeliveries !== 'function') {
    fail('storage', 'a storage adapter, e.g. createPostgresStorage()');
  }
  if (options.now !== undefined && typeof options.now !== 'function') {
    fail('now', 'a function');
  }
  if (options.logger !== undefined &&
    typeof options.logger?.error !== 'function') {
    fail('logger', 'a pino-compatible logger');
  }
  if (options.network !== undefined && typeof options.network !== 'object') {
    fail('network', 'an object');
  }
}

/**
 * Creates a worker that delivers webhooks from the outbox of `storage`.
 * Several workers may share one database: each delivery is claimed by one
 * of them at a time, and a crashed worker's claims free up when their
 * lease ends.
 *
 * @example
 * ```ts
 * const worker = createWebhookWorker({
 *   storage: createPostgresStorage({ connection: process.env.DATABASE_URL }),
 *   concurrency: 32,
 *   onSubscriptionDisabled: (info) => alert(info),
 * });
 * worker.start();
 * process.once('SIGTERM', () => worker.close());
 * ```
 */
export function createWebhookWorker(
  options: WebhookWorkerOptions,
): WebhookWorker {
  checkOptions(options);

  const dispatcher = createDispatcher({
    webhooks: options.storage.webhooks,
    now: options.now ?? (() => new Date()),
    logger: options.logger ?? silentLogger,
    config: resolveDeliveryConfig({
      tuning: options,
      network: options.network ?? {},
      prefix: '',
      networkPrefix: 'network.',
      fail,
    }),
    keepAlive: true,
  });

  return {
    start: () => dispatcher.start(),
    runOnce: () => dispatcher.runOnce(),
    close: () => dispatcher.close(),
  };
}
