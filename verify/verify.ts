/**
 * `verifyWebhook`: checks a Standard Webhooks delivery and returns its
 * parsed body.
 */
import { currentEngine, type Engine } from './engine.js';
import { fail } from './errors.js';
import {
  readSignedHeaders,
  type SignedHeaders,
  type WebhookHeaders,
} from './headers.js';
import { signingKeys, type SigningKey } from './secrets.js';

/** The JSON body CertBoost LMS sends with every webhook. */
export interface WebhookEventEnvelope<TData = unknown> {
  /** The event type, such as `attempt.completed`. */
  type: string;
  /** When the event happened, as an ISO 8601 string. */
  timestamp: string;
  data: TData;
}

/** Options for {@link verifyWebhook}. */
export interface VerifyWebhookOptions {
  /**
   * How far, in seconds, `webhook-timestamp` may be from now in either
   * direction. Defaults to 300, as the Standard Webhooks spec suggests.
   */
  toleranceSeconds?: number;
  /** The clock, as a `Date` or epoch milliseconds. Defaults to `Date.now`. */
  now?: () => Date | number;
}

/** The body exactly as it arrived: a string, Buffer or Uint8Array. */
export type WebhookRawBody = string | Uint8Array;

/** Options after defaults and checks; shared with the middleware. */
export interface VerifySettings {
  toleranceSeconds: number;
  now: () => Date | number;
}

/** What one successful verification yields. */
export interface VerifiedDelivery {
  /** The `webhook-id` header, the key to de-duplicate on. */
  id: string;
  event: unknown;
}

const DEFAULT_TOLERANCE_SECONDS = 300;
const DIGITS = /^[0-9]{1,15}$/;
const decoder = new TextDecoder();

/**
 * Verifies a delivery's signature and timestamp, then parses its body.
 * Resolves with the parsed JSON; rejects with a `WebhookVerificationError`
 * whose `code` names the check that failed. Throws a `TypeError` at once
 * when `secret` is empty or an option is invalid.
 *
 * Pass the body exactly as received: re-serialised JSON differs byte for
 * byte and fails. Several secrets (during a rotation) may be given; any
 * one matching any `v1,` entry of the signature header passes.
 *
 * @example
 * ```ts
 * import { verifyWebhook } from 'certboost-lms-api/verify';
 *
 * const event = await verifyWebhook(rawBody, req.headers, [
 *   process.env.WEBHOOK_SECRET!,
 *   process.env.WEBHOOK_SECRET_PREVIOUS!,
 * ]);
 * console.log(event.type, event.data);
 * ```
 */
export function verifyWebhook<T = WebhookEventEnvelope>(
  rawBody: WebhookRawBody,
  headers: WebhookHeaders,
  secret: string | readonly string[],
  options?: VerifyWebhookOptions,
): Promise<T> {
  return verifyWebhookWith(currentEngine(), rawBody, headers, secret, options);
}

/**
 * {@link verifyWebhook} with a chosen HMAC engine. Internal: the tests use
 * it to run every case through Web Crypto as well as node:crypto.
 *
 * @internal
 */
export function verifyWebhookWith<T>(
  engine: Engine | Promise<Engine>,
  rawBody: WebhookRawBody,
  headers: WebhookHeaders,
  secret: string | readonly string[],
  options?: VerifyWebhookOptions,
): Promise<T> {
  const keys = signingKeys(secret);
  const settings = verifySettings(options);

  if (engine instanceof Promise) {
    return engine.then((chosen) =>
      settle({ engine: chosen, rawBody, headers, keys, settings }, eventOf<T>),
    );
  }

  return settle({ engine, rawBody, headers, keys, settings }, eventOf<T>);
}

const DEFAULT_SETTINGS: VerifySettings = Object.freeze({
  toleranceSeconds: DEFAULT_TOLERANCE_SECONDS,
  now: Date.now,
});

/** Copies, defaults and checks the options; throws a `TypeError`. */
export function verifySettings(options?: VerifyWebhookOptions): VerifySettings {
  // Most calls pass no options; they share one settings object.
  if (options === undefined) return DEFAULT_SETTINGS;

  const { toleranceSeconds = DEFAULT_TOLERANCE_SECONDS, now = Date.now } =
    options;

  if (!Number.isFinite(toleranceSeconds) || toleranceSeconds < 0) {
    throw new TypeError(
      'Expected `toleranceSeconds` to be a finite, non-negative number.',
    );
  }

  if (typeof now !== 'function') {
    throw new TypeError('Expected `now` to be a function.');
  }

  return { toleranceSeconds, now };
}

/** Runs every check in order; the first failure rejects. */
export function verifyDelivery(
  engine: Engine,
  rawBody: unknown,
  headers: WebhookHeaders,
  keys: readonly SigningKey[],
  settings: VerifySettings,
): Promise<VerifiedDelivery> {
  return settle({ engine, rawBody, headers, keys, settings }, whole);
}

/** One verification's inputs, checked and defaulted. */
interface Check {
  engine: Engine;
  rawBody: unknown;
  headers: WebhookHeaders;
  keys: readonly SigningKey[];
  settings: VerifySettings;
}

/** What the signature covers, once the cheap checks have passed. */
interface Signed extends SignedHeaders {
  body: string | Uint8Array;
  prefix: string;
}

// With a synchronous engine every check runs before this returns, so the
// hot path settles one promise instead of chaining several.
function settle<R>(
  check: Check,
  pick: (delivery: VerifiedDelivery) => R,
): Promise<R> {
  try {
    const signed = prepare(check);
    const expected = check.engine.sign(check.keys, signed.prefix, signed.body);

    if (Array.isArray(expected)) {
      return Promise.resolve(pick(conclude(check.engine, expected, signed)));
    }

    return expected.then((list) => pick(conclude(check.engine, list, signed)));
  } catch (error) {
    return Promise.reject(error);
  }
}

function whole(delivery: VerifiedDelivery): VerifiedDelivery {
  return delivery;
}

function eventOf<T>(delivery: VerifiedDelivery): T {
  return delivery.event as T;
}

function prepare(check: Check): Signed {
  const body = bodyOf(check.rawBody);
  const { id, timestamp, signature } = readSignedHeaders(check.headers);

  checkTimestamp(timestamp, check.settings);

  return { id, timestamp, signature, body, prefix: `${id}.${timestamp}.` };
}

function conclude(
  engine: Engine,
  expected: readonly string[],
  signed: Signed,
): VerifiedDelivery {
  if (!matchesAny(engine, expected, signed.signature)) throw fail.noMatch();

  return { id: signed.id, event: parseJson(signed.body) };
}

function bodyOf(rawBody: unknown): string | Uint8Array {
  if (typeof rawBody === 'string' || rawBody instanceof Uint8Array) {
    return rawBody;
  }

  throw fail.rawBodyRequired();
}

function checkTimestamp(header: string, settings: VerifySettings): void {
  if (!DIGITS.test(header)) throw fail.invalidTimestamp();

  const sent = Number(header);
  const now = Math.floor(currentMillis(settings) / 1000);

  if (now - sent > settings.toleranceSeconds) throw fail.tooOld();
  if (sent - now > settings.toleranceSeconds) throw fail.tooNew();
}

function currentMillis(settings: VerifySettings): number {
  const value = Number(settings.now());

  // NaN would make both comparisons false and let any timestamp through.
  if (!Number.isFinite(value)) {
    throw new TypeError('Expected `now` to return a Date or epoch millis.');
  }

  return value;
}

function matchesAny(
  engine: Engine,
  expected: readonly string[],
  header: string,
): boolean {
  let matched = false;

  for (const candidate of v1Signatures(header)) {
    for (const signature of expected) {
      // No early exit: every comparison costs the same.
      if (engine.equal(signature, candidate)) matched = true;
    }
  }

  return matched;
}

// Entries look like `v1,<base64>`. Others (say `v1a,`) are another scheme
// and are skipped. A trailing comma comes from a repeated header joined
// with ', ' by Node or Fetch; base64 never contains one.
function v1Signatures(header: string): string[] {
  const found: string[] = [];

  for (const entry of header.split(' ')) {
    if (!entry.startsWith('v1,')) continue;

    found.push(entry.endsWith(',') ? entry.slice(3, -1) : entry.slice(3));
  }

  return found;
}

function parseJson(body: string | Uint8Array): unknown {
  const text = typeof body === 'string' ? body : decoder.decode(body);

  try {
    return JSON.parse(text);
  } catch {
    throw fail.invalidJson();
  }
}
