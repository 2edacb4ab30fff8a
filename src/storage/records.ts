/**
 * Records as they cross the storage port. Adapters store and return these
 * shapes; the HTTP layer turns them into the API's JSON.
 */

/** Permission levels of an API key, weakest first. */
export const PERMISSIONS = ['ReadOnly', 'ReadWrite', 'Admin'] as const;

export type Permission = (typeof PERMISSIONS)[number];

/** A certification category, as `GET /categories` lists it. */
export interface Category {
  categoryId: number;
  name: string;
  code: string;
  description: string;
  questionCount: number;
  isActive: boolean;
}

/** A learner whose progress the API reports. */
export interface User {
  userId: string;
  fullName: string;
  email: string;
}

/** One finished quiz or exam. */
export interface AttemptRecord {
  attemptId: string;
  userId: string;
  categoryId: number;
  correct: number;
  total: number;
  source: string;
  completedAt: Date;
}

/** An attempt joined with the name of its category. */
export interface AttemptView extends AttemptRecord {
  categoryName: string;
}

/**
 * Per-category totals behind `categoryAverages`: the sum of the attempts'
 * percents (unrounded) and their count, so the mean is exact.
 */
export interface CategoryTally {
  categoryId: number;
  categoryName: string;
  attempts: number;
  percentSum: number;
}

export interface ProgressQuery {
  /** Only the N newest attempts; tallies are not trimmed by it. */
  recent?: number;
  /** Only attempts completed at or after this instant; tallies too. */
  fromUtc?: Date;
}

export interface ProgressData {
  /** Newest first. */
  attempts: AttemptView[];
  /** Ordered by categoryId. */
  tallies: CategoryTally[];
}

export interface CategoryQuery {
  /** Case-insensitive substring of name or code. */
  search?: string;
  includeInactive: boolean;
}

/** A user-scoped API key. Only the digest of the secret is ever stored. */
export interface ApiKeyRecord {
  keyId: string;
  userId: string;
  name: string;
  permission: Permission;
  isActive: boolean;
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  /** Hex SHA-256 of the plaintext key. */
  digest: string;
}

export interface KeyUse {
  keyId: string;
  lastUsedAt: Date;
}

export interface Assignment {
  assignmentId: string;
  userId: string;
  categoryId: number;
  dueAt: Date | null;
  note: string | null;
  createdAt: Date;
}

/** Every event type a subscription may ask for. */
export const EVENT_TYPES = [
  'assignment.created',
  'attempt.completed',
  'webhook.test',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

/**
 * An event in the outbox. `eventId` is the `webhook-id` receivers see and
 * stays the same across retries and redeliveries.
 */
export interface WebhookEvent {
  eventId: string;
  type: EventType;
  /** The user the event is about; only that user's subscriptions see it. */
  userId: string | null;
  timestamp: Date;
  data: unknown;
}

export interface WebhookSecret {
  /** `whsec_` followed by base64 of the key bytes. */
  secret: string;
  /** Set when a rotation retires it; it keeps signing until then. */
  expiresAt: Date | null;
}

export interface Subscription {
  webhookId: string;
  /** null for subscriptions made with the master key: they see every user. */
  ownerUserId: string | null;
  url: string;
  /** Sorted, without duplicates. */
  events: EventType[];
  description: string | null;
  isActive: boolean;
  createdAt: Date;
  /** Newest first. */
  secrets: WebhookSecret[];
  /** When deliveries began failing without a success since; null when healthy. */
  failingSince: Date | null;
  disabledReason: string | null;
}

/**
 * Fields an update may change. `failingSince` is set to null when a
 * disabled subscription is turned back on, so the five-day rule starts
 * over; an adapter must store it like the other fields.
 */
export type SubscriptionPatch = Partial<
  Pick<
    Subscription,
    | 'isActive'
    | 'events'
    | 'description'
    | 'secrets'
    | 'disabledReason'
    | 'failingSince'
  >
>;

export type DeliveryStatus = 'pending' | 'delivering' | 'succeeded' | 'failed';

export interface Delivery {
  deliveryId: string;
  webhookId: string;
  eventId: string;
  eventType: EventType;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: Date | null;
  lastAttemptAt: Date | null;
  lastStatusCode: number | null;
  lastError: string | null;
  /** The receiver's last response body, truncated. */
  lastResponseBody: string | null;
  createdAt: Date;
}

/** What a worker holds after claiming a delivery. */
export interface DeliveryClaim {
  delivery: Delivery;
  event: WebhookEvent;
  subscription: Subscription;
}

export interface ClaimRequest {
  now: Date;
  limit: number;
  /** Until when the claim is held; a crashed worker's claims free up then. */
  leaseUntil: Date;
}

/** The result of one delivery attempt, recorded by the delivery service. */
export interface AttemptOutcome {
  deliveryId: string;
  attemptedAt: Date;
  durationMs: number;
  statusCode: number | null;
  error: string | null;
  responseBody: string | null;
  succeeded: boolean;
  /** When to try again; null when this attempt was the last. */
  nextAttemptAt: Date | null;
}

/** Position in a newest-first listing of deliveries. */
export interface DeliveryCursor {
  createdAt: Date;
  deliveryId: string;
}
