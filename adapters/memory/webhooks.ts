import { randomUUID } from 'node:crypto';

import {
  DuplicateSubscriptionError,
  type AttemptOutcome,
  type ClaimRequest,
  type Delivery,
  type DeliveryClaim,
  type DeliveryCursor,
  type Subscription,
  type SubscriptionPatch,
  type WebhookEvent,
  type WebhookStore,
} from '../../src/storage/index.js';

interface StoredDelivery extends Delivery {
  leaseUntil: Date | null;
}

function identity(s: Pick<Subscription, 'ownerUserId' | 'url' | 'events'>) {
  return JSON.stringify([s.ownerUserId, s.url, [...s.events].sort()]);
}

function copySubscription(s: Subscription): Subscription {
  return {
    ...s,
    events: [...s.events],
    secrets: s.secrets.map((secret) => ({ ...secret })),
  };
}

function copyDelivery(d: StoredDelivery): Delivery {
  const { leaseUntil: _lease, ...delivery } = d;

  return { ...delivery };
}

function newestFirst(a: Delivery, b: Delivery): number {
  const diff = b.createdAt.getTime() - a.createdAt.getTime();

  if (diff !== 0) return diff;

  return a.deliveryId < b.deliveryId ? 1 : a.deliveryId > b.deliveryId ? -1 : 0;
}

function isAfter(d: Delivery, cursor: DeliveryCursor): boolean {
  return newestFirst({ ...d }, { ...d, ...cursor }) > 0;
}

function sees(subscription: Subscription, event: WebhookEvent): boolean {
  return (
    subscription.isActive &&
    subscription.events.includes(event.type) &&
    (subscription.ownerUserId === null ||
      subscription.ownerUserId === event.userId)
  );
}

function isDue(d: StoredDelivery, now: number): boolean {
  if (d.status === 'pending') {
    return d.nextAttemptAt !== null && d.nextAttemptAt.getTime() <= now;
  }

  return (
    d.status === 'delivering' &&
    d.leaseUntil !== null &&
    d.leaseUntil.getTime() <= now
  );
}

function dueTime(d: StoredDelivery): number {
  return (d.nextAttemptAt ?? d.leaseUntil ?? d.createdAt).getTime();
}

/** The webhook outbox in memory. Lost on restart, as the adapter says. */
export class MemoryWebhooks implements WebhookStore {
  private readonly subscriptions = new Map<string, Subscription>();
  private readonly events = new Map<string, WebhookEvent>();
  private readonly deliveries = new Map<string, StoredDelivery>();
  /** Deliveries still pending or in flight: what a claim looks through. */
  private readonly open = new Set<StoredDelivery>();

  async createSubscription(subscription: Subscription): Promise<void> {
    this.assertUnique(subscription, null);
    this.subscriptions.set(
      subscription.webhookId,
      copySubscription(subscription),
    );
  }

  async listSubscriptions(ownerUserId?: string | null) {
    return [...this.subscriptions.values()]
      .filter((s) => ownerUserId === undefined || s.ownerUserId === ownerUserId)
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
      .map(copySubscription);
  }

  async getSubscription(webhookId: string) {
    const found = this.subscriptions.get(webhookId);

    return found ? copySubscription(found) : null;
  }

  async updateSubscription(webhookId: string, patch: SubscriptionPatch) {
    const found = this.subscriptions.get(webhookId);

    if (!found) return null;

    const updated = copySubscription({ ...found, ...patch });

    this.assertUnique(updated, webhookId);
    this.subscriptions.set(webhookId, updated);

    return copySubscription(updated);
  }

  async deleteSubscription(webhookId: string): Promise<boolean> {
    for (const [id, delivery] of this.deliveries) {
      if (delivery.webhookId !== webhookId) continue;

      this.deliveries.delete(id);
      this.open.delete(delivery);
    }

    return this.subscriptions.delete(webhookId);
  }

  async publishEvent(event: WebhookEvent): Promise<Delivery[]> {
    return this.publishNow(event);
  }

  /**
   * Synchronous fan-out, so the memory catalog can publish in the same step
   * as its write: nothing can interleave between them.
   */
  publishNow(event: WebhookEvent): Delivery[] {
    this.events.set(event.eventId, structuredClone(event));

    return [...this.subscriptions.values()]
      .filter((s) => sees(s, event))
      .map((s) => this.addDelivery(event, s.webhookId, event.timestamp));
  }

  async createDirectDelivery(
    event: WebhookEvent,
    webhookId: string,
    leaseUntil: Date,
  ): Promise<DeliveryClaim> {
    const subscription = this.subscriptions.get(webhookId);

    if (!subscription) throw new Error('Unknown webhook.');

    this.events.set(event.eventId, structuredClone(event));

    const created = this.addDelivery(event, webhookId, null);
    const stored = this.deliveries.get(created.deliveryId)!;

    stored.status = 'delivering';
    stored.leaseUntil = new Date(leaseUntil);

    return this.claimOf(stored);
  }

  async claimDueDeliveries(request: ClaimRequest): Promise<DeliveryClaim[]> {
    const now = request.now.getTime();
    const due = [...this.open]
      .filter((d) => isDue(d, now))
      .sort((a, b) => dueTime(a) - dueTime(b))
      .slice(0, request.limit);

    for (const delivery of due) {
      delivery.status = 'delivering';
      delivery.leaseUntil = new Date(request.leaseUntil);
    }

    return due.map((d) => this.claimOf(d));
  }

  async recordAttempt(outcome: AttemptOutcome) {
    const delivery = this.deliveries.get(outcome.deliveryId);

    if (!delivery) return null;

    this.applyOutcome(delivery, outcome);

    const subscription = this.subscriptions.get(delivery.webhookId);

    if (!subscription) return null;

    subscription.failingSince = outcome.succeeded
      ? null
      : (subscription.failingSince ?? new Date(outcome.attemptedAt));

    return copySubscription(subscription);
  }

  async listDeliveries(
    webhookId: string,
    page: { limit: number; after?: DeliveryCursor },
  ): Promise<Delivery[]> {
    const { after } = page;

    return [...this.deliveries.values()]
      .filter((d) => d.webhookId === webhookId)
      .filter((d) => !after || isAfter(d, after))
      .sort(newestFirst)
      .slice(0, page.limit)
      .map(copyDelivery);
  }

  async getDelivery(deliveryId: string): Promise<Delivery | null> {
    const found = this.deliveries.get(deliveryId);

    return found ? copyDelivery(found) : null;
  }

  async redeliver(
    deliveryId: string,
    newDeliveryId: string,
    now: Date,
  ): Promise<Delivery | null> {
    const original = this.deliveries.get(deliveryId);
    const event = original && this.events.get(original.eventId);

    if (!original || !event) return null;

    return this.addDelivery(event, original.webhookId, now, newDeliveryId);
  }

  private assertUnique(candidate: Subscription, ownId: string | null): void {
    const key = identity(candidate);

    for (const existing of this.subscriptions.values()) {
      if (existing.webhookId !== ownId && identity(existing) === key) {
        throw new DuplicateSubscriptionError();
      }
    }
  }

  private addDelivery(
    event: WebhookEvent,
    webhookId: string,
    dueAt: Date | null,
    deliveryId = `dlv_${randomUUID().replaceAll('-', '')}`,
  ): Delivery {
    const delivery: StoredDelivery = {
      deliveryId,
      webhookId,
      eventId: event.eventId,
      eventType: event.type,
      status: 'pending',
      attempts: 0,
      nextAttemptAt: dueAt ? new Date(dueAt) : null,
      lastAttemptAt: null,
      lastStatusCode: null,
      lastError: null,
      lastResponseBody: null,
      createdAt: new Date(dueAt ?? event.timestamp),
      leaseUntil: null,
    };

    this.deliveries.set(deliveryId, delivery);
    this.open.add(delivery);

    return copyDelivery(delivery);
  }

  private applyOutcome(delivery: StoredDelivery, outcome: AttemptOutcome) {
    delivery.attempts += 1;
    delivery.lastAttemptAt = new Date(outcome.attemptedAt);
    delivery.lastStatusCode = outcome.statusCode;
    delivery.lastError = outcome.error;
    delivery.lastResponseBody = outcome.responseBody;
    delivery.leaseUntil = null;
    delivery.nextAttemptAt = outcome.succeeded ? null : outcome.nextAttemptAt;
    delivery.status = outcome.succeeded
      ? 'succeeded'
      : outcome.nextAttemptAt
        ? 'pending'
        : 'failed';
    if (delivery.status !== 'pending') this.open.delete(delivery);
  }

  private claimOf(delivery: StoredDelivery): DeliveryClaim {
    const event = this.events.get(delivery.eventId)!;
    const subscription = this.subscriptions.get(delivery.webhookId)!;

    return {
      delivery: copyDelivery(delivery),
      event: structuredClone(event),
      subscription: copySubscription(subscription),
    };
  }
}
