/**
 * Row shapes as node-postgres returns them, and their conversion to port
 * records. Timestamps are accepted as Date or text, because a host's knex
 * may have replaced the driver's type parsers.
 */
import type {
  ApiKeyRecord,
  Category,
  Delivery,
  DeliveryStatus,
  EventType,
  Permission,
  Subscription,
  WebhookEvent,
  WebhookSecret,
} from '../../src/storage/index.js';

type Timestamp = Date | string;

/** A timestamp column as a Date. */
export function toDate(value: Timestamp): Date {
  return value instanceof Date ? value : new Date(value);
}

/** A nullable timestamp column as a Date or null. */
export function toOptionalDate(value: Timestamp | null): Date | null {
  return value === null ? null : toDate(value);
}

/** A row of the categories table. */
export interface CategoryRow {
  category_id: number;
  name: string;
  code: string;
  description: string;
  question_count: number;
  is_active: boolean;
}

/** Every category column, in insert order. */
export const CATEGORY_COLUMNS =
  'category_id, name, code, description, question_count, is_active';

/** A categories row as a port record. */
export function toCategory(row: CategoryRow): Category {
  return {
    categoryId: row.category_id,
    name: row.name,
    code: row.code,
    description: row.description,
    questionCount: row.question_count,
    isActive: row.is_active,
  };
}

/** A row of the api_keys table. */
export interface KeyRow {
  key_id: string;
  user_id: string;
  name: string;
  permission: Permission;
  is_active: boolean;
  created_at: Timestamp;
  last_used_at: Timestamp | null;
  expires_at: Timestamp | null;
  digest: string;
}

/** Every key column, in insert order. */
export const KEY_COLUMNS = 'key_id, user_id, name, permission, is_active, ' +
  'created_at, last_used_at, expires_at, digest';

/** An api_keys row as a port record. */
export function toKey(row: KeyRow): ApiKeyRecord {
  return {
    keyId: row.key_id,
    userId: row.user_id,
    name: row.name,
    permission: row.permission,
    isActive: row.is_active,
    createdAt: toDate(row.created_at),
    lastUsedAt: toOptionalDate(row.last_used_at),
    expiresAt: toOptionalDate(row.expires_at),
    digest: row.digest,
  };
}

/** A row of the events table. */
export interface EventRow {
  event_id: string;
  type: EventType;
  user_id: string | null;
  occurred_at: Timestamp;
  data: unknown;
}

/** Every event column, in insert order. */
export const EVENT_COLUMNS = 'event_id, type, user_id, occurred_at, data';

/** An events row as the port's WebhookEvent. */
export function toEvent(row: EventRow): WebhookEvent {
  return {
    eventId: row.event_id,
    type: row.type,
    userId: row.user_id,
    timestamp: toDate(row.occurred_at),
    data: row.data,
  };
}

/** Secrets as the jsonb column holds them. */
interface StoredSecret {
  secret: string;
  expiresAt: string | null;
}

/** Serialises secrets for the jsonb column, newest first as given. */
export function secretsJson(secrets: readonly WebhookSecret[]): string {
  const stored: StoredSecret[] = secrets.map((s) => ({
    secret: s.secret,
    expiresAt: s.expiresAt === null ? null : s.expiresAt.toISOString(),
  }));

  return JSON.stringify(stored);
}

/** A row of the subscriptions table. */
export interface SubscriptionRow {
  webhook_id: string;
  owner_user_id: string | null;
  url: string;
  events: EventType[];
  description: string | null;
  is_active: boolean;
  created_at: Timestamp;
  secrets: StoredSecret[];
  failing_since: Timestamp | null;
  disabled_reason: string | null;
}

/** Every subscription column, in insert order. */
export const SUBSCRIPTION_COLUMNS = 'webhook_id, owner_user_id, url, ' +
  'events, description, is_active, created_at, secrets, failing_since, ' +
  'disabled_reason';

/** A subscriptions row as a port record. */
export function toSubscription(row: SubscriptionRow): Subscription {
  return {
    webhookId: row.webhook_id,
    ownerUserId: row.owner_user_id,
    url: row.url,
    events: [...row.events],
    description: row.description,
    isActive: row.is_active,
    createdAt: toDate(row.created_at),
    secrets: row.secrets.map((s) => ({
      secret: s.secret,
      expiresAt: s.expiresAt === null ? null : new Date(s.expiresAt),
    })),
    failingSince: toOptionalDate(row.failing_since),
    disabledReason: row.disabled_reason,
  };
}

/** A deliveries row joined with its event's type. */
export interface DeliveryRow {
  delivery_id: string;
  webhook_id: string;
  event_id: string;
  event_type: EventType;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: Timestamp | null;
  last_attempt_at: Timestamp | null;
  last_status_code: number | null;
  last_error: string | null;
  last_response_body: string | null;
  created_at: Timestamp;
}

/** Delivery columns, qualified with `alias`; `event_type` comes apart. */
export function deliveryColumns(alias: string): string {
  const columns = [
    'delivery_id', 'webhook_id', 'event_id', 'status', 'attempts',
    'next_attempt_at', 'last_attempt_at', 'last_status_code', 'last_error',
    'last_response_body', 'created_at',
  ];

  return columns.map((column) => `${alias}.${column}`).join(', ');
}

/** A deliveries row as a port record. */
export function toDelivery(row: DeliveryRow): Delivery {
  return {
    deliveryId: row.delivery_id,
    webhookId: row.webhook_id,
    eventId: row.event_id,
    eventType: row.event_type,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: toOptionalDate(row.next_attempt_at),
    lastAttemptAt: toOptionalDate(row.last_attempt_at),
    lastStatusCode: row.last_status_code,
    lastError: row.last_error,
    lastResponseBody: row.last_response_body,
    createdAt: toDate(row.created_at),
  };
}

/** Sorted and without duplicates, as the identity index compares them. */
export function normalizeEvents(events: readonly EventType[]): EventType[] {
  return [...new Set(events)].sort();
}
