/**
 * What happened to a subscription's deliveries, and the two ways to make
 * new ones by hand: a test ping and a redelivery.
 */
import { conflict, notFound } from '../../errors.js';
import { newId } from '../../ids.js';
import {
  StorageUnavailableError,
  type Subscription,
  type WebhookEvent,
  type WebhookStore,
} from '../../storage/index.js';
import type { Caller } from '../auth/authenticator.js';
import type { Dispatcher } from '../delivery/dispatcher.js';
import { findOwnSubscription } from './subscriptions.js';
import {
  decodeCursor,
  encodeCursor,
  viewDelivery,
  type DeliveryPage,
  type DeliveryView,
} from './views.js';

/** What the delivery log service needs. */
export interface DeliveryLogOptions {
  webhooks: WebhookStore;
  now: () => Date;
  /** Sends test pings and is woken for redeliveries. */
  dispatcher: Pick<Dispatcher, 'deliverNow' | 'leaseUntil' | 'wake'>;
}

/** Answer of `POST /webhooks/{id}/test`. */
export interface TestPingResult {
  delivered: boolean;
  statusCode: number | null;
  durationMs: number;
  /** Why it was not delivered; absent when it was. */
  error?: string;
}

/** Query of the delivery log. */
export interface DeliveryPageQuery {
  /** 1 to 100. Default 20. */
  limit?: number;
  cursor?: string;
}

export const DEFAULT_PAGE_SIZE = 20;

function testEvent(subscription: Subscription, at: Date): WebhookEvent {
  return {
    eventId: newId('evt'),
    type: 'webhook.test',
    userId: subscription.ownerUserId,
    timestamp: at,
    data: {
      webhookId: subscription.webhookId,
      message: 'Test ping from CertBoost LMS.',
    },
  };
}

/**
 * Creates the service behind the test, deliveries and redeliver routes.
 *
 * @example
 * ```ts
 * const log = createDeliveryLogService({ webhooks, now, dispatcher });
 * const page = await log.deliveries(caller, webhookId, { limit: 50 });
 * ```
 */
export function createDeliveryLogService(options: DeliveryLogOptions) {
  const { webhooks, now, dispatcher } = options;

  /**
   * Sends a `webhook.test` event to this subscription only, at once and
   * once: a ping is not retried. It is sent even while the subscription
   * is disabled, to check a receiver before turning it back on.
   */
  async function test(
    caller: Caller,
    webhookId: string,
  ): Promise<TestPingResult> {
    const subscription = await findOwnSubscription(webhooks, caller,
      webhookId);
    const event = testEvent(subscription, now());
    const claim = await webhooks.createDirectDelivery(event, webhookId,
      dispatcher.leaseUntil());
    const report = await dispatcher.deliverNow(claim);

    // The attempt went out but could not be logged.
    if (!report) throw new StorageUnavailableError();

    const { delivered, statusCode, durationMs } = report;

    if (delivered) return { delivered, statusCode, durationMs };

    const error = report.error ?? `The receiver answered ${statusCode}.`;

    return { delivered, statusCode, durationMs, error };
  }

  async function deliveries(
    caller: Caller,
    webhookId: string,
    query: DeliveryPageQuery,
  ): Promise<DeliveryPage> {
    await findOwnSubscription(webhooks, caller, webhookId);

    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const after = query.cursor ? decodeCursor(query.cursor) : undefined;
    // One extra row tells whether another page follows.
    const rows = await webhooks.listDeliveries(webhookId, {
      limit: limit + 1,
      after,
    });
    const page = rows.slice(0, limit);
    const more = rows.length > limit;

    return {
      data: page.map(viewDelivery),
      nextCursor: more ? encodeCursor(page[page.length - 1]) : null,
    };
  }

  /** Queues the delivery's event again, with the same `webhook-id`. */
  async function redeliver(
    caller: Caller,
    webhookId: string,
    deliveryId: string,
  ): Promise<DeliveryView> {
    const subscription = await findOwnSubscription(webhooks, caller,
      webhookId);
    const original = await webhooks.getDelivery(deliveryId);

    if (original?.webhookId !== webhookId) {
      throw notFound('No such delivery.');
    }
    if (!subscription.isActive) {
      throw conflict('This webhook is disabled; enable it first.');
    }

    const created = await webhooks.redeliver(deliveryId, newId('dlv'), now());

    if (!created) throw notFound('No such delivery.');

    dispatcher.wake();

    return viewDelivery(created);
  }

  return { test, deliveries, redeliver };
}

export type DeliveryLogService = ReturnType<typeof createDeliveryLogService>;
