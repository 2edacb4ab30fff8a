/**
 * What goes on the wire for one attempt: the JSON envelope and its
 * Standard Webhooks headers.
 */
import type {
  Subscription,
  WebhookEvent,
  WebhookSecret,
} from '../../storage/index.js';
import { webhookHeaders } from './signing.js';

/** The JSON body of every delivery. */
export interface WebhookEnvelope {
  type: string;
  /** When the event happened, ISO-8601 in UTC. */
  timestamp: string;
  data: unknown;
}

/** A signed request, ready for the sender. */
export interface SignedMessage {
  body: string;
  headers: Record<string, string>;
}

/** The envelope of an event: `{ type, timestamp, data }`. */
export function envelopeOf(event: WebhookEvent): WebhookEnvelope {
  return {
    type: event.type,
    timestamp: event.timestamp.toISOString(),
    data: event.data,
  };
}

/**
 * The secrets that sign at `now`: the current one and any retired by a
 * rotation less than 24 hours ago. Newest first, as stored.
 */
export function signingSecrets(
  secrets: readonly WebhookSecret[],
  now: Date,
): string[] {
  return secrets
    .filter((s) => s.expiresAt === null || s.expiresAt > now)
    .map((s) => s.secret);
}

/**
 * Builds the body and headers of one attempt. The timestamp is the
 * attempt's own, in whole seconds; the id is the event's, so a receiver
 * sees the same `webhook-id` on every retry and redelivery.
 */
export function signedMessage(
  event: WebhookEvent,
  subscription: Subscription,
  attemptedAt: Date,
): SignedMessage {
  const body = JSON.stringify(envelopeOf(event));
  const headers = webhookHeaders({
    id: event.eventId,
    timestamp: Math.floor(attemptedAt.getTime() / 1000),
    body,
    secrets: signingSecrets(subscription.secrets, attemptedAt),
  });

  return { body, headers };
}
