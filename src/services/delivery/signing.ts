/**
 * Standard Webhooks signing for outgoing deliveries. Receivers check the
 * result with `certboost-lms-api/verify` or any Standard Webhooks library.
 */
import { createHmac, randomBytes } from 'node:crypto';

/** Input shared by {@link signWebhook} and {@link webhookHeaders}. */
export interface SignWebhookInput {
  /** The event id; stays the same across retries of one event. */
  id: string;
  /** When this attempt is sent, in whole unix seconds. */
  timestamp: number;
  /** The exact JSON text that goes on the wire. */
  body: string;
  /**
   * Every secret that should sign, newest first. During a rotation both
   * the old and the new secret sign so receivers can switch at leisure.
   */
  secrets: readonly string[];
}

const SECRET_PREFIX = 'whsec_';
const USER_AGENT = 'CertBoost-LMS-Webhooks/1';
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

// Subscriptions are few and their secrets change rarely, so a small map of
// decoded keys spares the hot path a base64 decode per attempt.
const MAX_CACHED_KEYS = 1024;
const keyCache = new Map<string, Buffer>();

/**
 * Creates a new signing secret: `whsec_` and base64 of 32 random bytes.
 *
 * @example
 * ```ts
 * const secret = generateWebhookSecret();
 * // 'whsec_3q2+7wD...='
 * ```
 */
export function generateWebhookSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString('base64');
}

/**
 * Computes the `webhook-signature` header value: one `v1,<base64>` entry
 * per secret, separated by single spaces. Each entry is HMAC-SHA256 over
 * `${id}.${timestamp}.${body}` keyed by the decoded secret.
 *
 * Throws a `TypeError` when there is no secret, a secret is empty or not
 * base64, the id is empty or the timestamp is not whole seconds.
 *
 * @example
 * ```ts
 * const signature = signWebhook({
 *   id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
 *   timestamp: 1614265330,
 *   body: '{"test": 2432232314}',
 *   secrets: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'],
 * });
 * // 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE='
 * ```
 */
export function signWebhook(input: SignWebhookInput): string {
  const { id, timestamp, body, secrets } = input;

  checkInput(id, timestamp, secrets);

  const content = `${id}.${timestamp}.${body}`;

  return secrets.map((secret) => sign(secret, content)).join(' ');
}

/**
 * Builds every header a delivery carries: `webhook-id`,
 * `webhook-timestamp`, `webhook-signature`, `content-type` and
 * `user-agent`. Throws like {@link signWebhook}.
 *
 * @example
 * ```ts
 * const body = JSON.stringify(envelope);
 * const headers = webhookHeaders({
 *   id: event.eventId,
 *   timestamp: Math.floor(Date.now() / 1000),
 *   body,
 *   secrets: subscription.secrets.map((s) => s.secret),
 * });
 * await fetch(subscription.url, { method: 'POST', headers, body });
 * ```
 */
export function webhookHeaders(
  input: SignWebhookInput,
): Record<string, string> {
  return {
    'webhook-id': input.id,
    'webhook-timestamp': String(input.timestamp),
    'webhook-signature': signWebhook(input),
    'content-type': 'application/json',
    'user-agent': USER_AGENT,
  };
}

function checkInput(
  id: string,
  timestamp: number,
  secrets: readonly string[],
): void {
  if (typeof id !== 'string' || id === '') {
    throw new TypeError('Expected `id` to be a non-empty string.');
  }

  if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw new TypeError('Expected `timestamp` to be whole unix seconds.');
  }

  if (!Array.isArray(secrets) || secrets.length === 0) {
    throw new TypeError('Expected `secrets` to hold at least one secret.');
  }
}

function sign(secret: string, content: string): string {
  const digest = createHmac('sha256', keyFor(secret))
    .update(content)
    .digest('base64');

  return `v1,${digest}`;
}

function keyFor(secret: string): Buffer {
  const cached = keyCache.get(secret);

  if (cached) return cached;

  const key = decodeSecret(secret);

  // Map keeps insertion order, so the first key is the oldest one.
  if (keyCache.size >= MAX_CACHED_KEYS) {
    keyCache.delete(keyCache.keys().next().value as string);
  }
  keyCache.set(secret, key);

  return key;
}

function decodeSecret(secret: unknown): Buffer {
  if (typeof secret !== 'string') {
    throw new TypeError('Expected each of `secrets` to be a string.');
  }

  const text = secret.startsWith(SECRET_PREFIX)
    ? secret.slice(SECRET_PREFIX.length)
    : secret;

  // Buffer skips characters it cannot decode; a receiver's stricter
  // decoder would then use another key and reject every delivery.
  if (text === '' || text.length % 4 === 1 || !BASE64.test(text)) {
    throw new TypeError('Expected each of `secrets` to be whsec_ + base64.');
  }

  const key = Buffer.from(text, 'base64');

  if (key.length === 0) {
    throw new TypeError('Expected each of `secrets` to be whsec_ + base64.');
  }

  return key;
}
