/**
 * Webhooks inside createLmsApi: the services behind the routes, the
 * in-process dispatcher, and the stores that wake it when they publish.
 */
import type { Logger } from '../../logger.js';
import type {
  AssignmentStore,
  CatalogStore,
  LmsStorage,
  WebhookStore,
} from '../../storage/index.js';
import type { ResolvedWebhookOptions } from '../delivery/config.js';
import {
  createDispatcher,
  type DispatchCounts,
} from '../delivery/dispatcher.js';
import { createDeliveryLogService } from './delivery-log.js';
import { createSubscriptionService } from './subscriptions.js';

/** What {@link createWebhookFeature} needs from createLmsApi. */
export interface WebhookFeatureOptions {
  storage: LmsStorage;
  now: () => Date;
  logger: Logger;
  options: ResolvedWebhookOptions;
}

/** `lms.webhooks`: delivery control for hosts and tests. */
export interface LmsWebhooks {
  /**
   * Delivers what is due now and resolves once those attempts are
   * recorded. Works with `dispatch: false` too.
   */
  runOnce(): Promise<DispatchCounts>;
}

type AnyMethod = (...args: unknown[]) => unknown;

/**
 * A view of `store` whose `method` wakes the dispatcher after it returns,
 * so an event published in this process goes out without waiting for the
 * next poll. Every other member passes through unchanged.
 */
function wakeAfter<T extends object>(
  store: T,
  method: keyof T,
  wake: () => void,
): T {
  return new Proxy(store, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);

      if (typeof value !== 'function') return value;

      const bound = (value as AnyMethod).bind(target);

      if (property !== method) return bound;

      return async (...args: unknown[]) => {
        const result = await bound(...args);

        wake();

        return result;
      };
    },
  });
}

/**
 * Builds the webhook services and the dispatcher. The dispatcher only
 * starts looping when `options.dispatch` is true.
 */
export function createWebhookFeature(feature: WebhookFeatureOptions) {
  const { storage, now, options } = feature;
  const dispatcher = createDispatcher({
    webhooks: storage.webhooks,
    now,
    logger: feature.logger,
    config: options,
  });
  const wake = () => dispatcher.wake();
  const lmsWebhooks: LmsWebhooks = { runOnce: () => dispatcher.runOnce() };

  return {
    services: {
      subscriptions: createSubscriptionService({
        webhooks: storage.webhooks,
        now,
        network: options.network,
        lookup: options.lookup,
      }),
      deliveryLog: createDeliveryLogService({
        webhooks: storage.webhooks,
        now,
        dispatcher,
      }),
    },
    /** The stores to write through; their events wake the dispatcher. */
    publishing: {
      assignments: wakeAfter<AssignmentStore>(storage.assignments,
        'createAssignment', wake),
      catalog: wakeAfter<CatalogStore>(storage.catalog, 'recordAttempt', wake),
      webhooks: wakeAfter<WebhookStore>(storage.webhooks, 'publishEvent', wake),
    },
    lmsWebhooks,
    start(): void {
      if (options.dispatch) dispatcher.start();
    },
    close: () => dispatcher.close(),
  };
}
