/**
 * Webhook subscriptions and deliveries as the API shows them, and the
 * opaque cursor of the delivery log.
 */
import { badRequest } from '../../errors.js';
import type {
  Delivery,
  DeliveryCursor,
  DeliveryStatus,
  EventType,
  Subscription,
} from '../../storage/index.js';
import { formatInstant } from '../views.js';

/** A subscription without its secrets. */
export interface WebhookView {
  webhookId: string;
  url: string;
  events: EventType[];
  description: string | null;
  isActive: boolean;
  /** Why the dispatcher turned it off (`gone`, `failing`); else null. */
  disabledReason: string | null;
  createdAt: string;
}

/** Returned once, on create and on rotation. */
export interface WebhookWithSecret extends WebhookView {
  secret: string;
}

/** One row of `GET /webhooks/{id}/deliveries`. */
export interface DeliveryView {
  deliveryId: string;
  eventId: string;
  eventType: EventType;
  status: DeliveryStatus;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  lastAttemptAt: string | null;
  nextAttemptAt: string | null;
  createdAt: string;
}

/** A page of the delivery log, newest first. */
export interface DeliveryPage {
  data: DeliveryView[];
  /** Pass as `cursor` for the next page; null on the last one. */
  nextCursor: string | null;
}

const CURSOR_LIMIT = 512;

export function viewWebhook(subscription: Subscription): WebhookView {
  return {
    webhookId: subscription.webhookId,
    url: subscription.url,
    events: [...subscription.events],
    description: subscription.description,
    isActive: subscription.isActive,
    disabledReason: subscription.disabledReason,
    createdAt: formatInstant(subscription.createdAt),
  };
}

export function viewDelivery(delivery: Delivery): DeliveryView {
  return {
    deliveryId: delivery.deliveryId,
    eventId: delivery.eventId,
    eventType: delivery.eventType,
    status: delivery.status,
    attempts: delivery.attempts,
    lastStatusCode: delivery.lastStatusCode,
    lastError: delivery.lastError,
    lastAttemptAt: optionalInstant(delivery.lastAttemptAt),
    nextAttemptAt: optionalInstant(delivery.nextAttemptAt),
    createdAt: formatInstant(delivery.createdAt),
  };
}

function optionalInstant(date: Date | null): string | null {
  return date && formatInstant(date);
}

/**
 * The cursor after `delivery`. It keeps the exact millisecond, which the
 * second-precision `createdAt` in the response does not.
 */
export function encodeCursor(delivery: Delivery): string {
  const position = [delivery.createdAt.getTime(), delivery.deliveryId];

  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

/** Reads a cursor from encodeCursor; anything else is a 400. */
export function decodeCursor(cursor: string): DeliveryCursor {
  const position = cursor.length <= CURSOR_LIMIT ? parseCursor(cursor) : null;

  if (!position) throw badRequest('Invalid cursor.');

  return position;
}

function parseCursor(cursor: string): DeliveryCursor | null {
  let value: unknown;

  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return null;
  }

  if (!Array.isArray(value) || value.length !== 2) return null;

  const [ms, deliveryId] = value as unknown[];

  if (!Number.isSafeInteger(ms) || typeof deliveryId !== 'string') return null;
  if (deliveryId === '' || deliveryId.length > 128) return null;

  return { createdAt: new Date(ms as number), deliveryId };
}
