/**
 * Reads the three signed headers from a plain object in any letter case
 * or from a Fetch `Headers`, under the webhook-* or the svix-* names.
 */
import { fail } from './errors.js';

/** A header value as Node and most frameworks hand it over. */
export type WebhookHeaderValue = string | readonly string[] | undefined;

/** Anything with a Fetch-style `get`, such as `Headers`. */
export interface HeaderGetter {
  get(name: string): string | null;
}

/** Request headers: a plain object (any letter case) or a `Headers`. */
export type WebhookHeaders =
  | HeaderGetter
  | Readonly<Record<string, WebhookHeaderValue>>;

/** The values the signature covers, read from the request. */
export interface SignedHeaders {
  id: string;
  timestamp: string;
  signature: string;
}

/**
 * Returns the signed headers or throws `missing_header` naming the
 * first one absent.
 */
export function readSignedHeaders(headers: WebhookHeaders): SignedHeaders {
  if (headers === null || typeof headers !== 'object') {
    throw new TypeError('Expected `headers` to be an object or Headers.');
  }

  return {
    id: required(headers, 'webhook-id', 'svix-id'),
    timestamp: required(headers, 'webhook-timestamp', 'svix-timestamp'),
    signature: required(headers, 'webhook-signature', 'svix-signature'),
  };
}

function required(headers: WebhookHeaders, name: string, alias: string) {
  const value = lookup(headers, name) ?? lookup(headers, alias);

  if (value === undefined || value === '') throw fail.missingHeader(name);

  return value;
}

function lookup(headers: WebhookHeaders, name: string): string | undefined {
  if (isGetter(headers)) return headers.get(name) ?? undefined;

  // Node hands over lower-case names, so the direct hit is the usual case.
  const direct = headers[name];

  if (direct !== undefined) return flatten(direct);

  for (const key of Object.keys(headers)) {
    if (key.toLowerCase() === name) return flatten(headers[key]);
  }

  return undefined;
}

function isGetter(headers: WebhookHeaders): headers is HeaderGetter {
  return typeof (headers as Partial<HeaderGetter>).get === 'function';
}

// A repeated header arrives as an array; for webhook-signature the entries
// are space separated, so joining them keeps every candidate.
function flatten(value: WebhookHeaderValue): string | undefined {
  if (typeof value === 'string' || value === undefined) return value;

  return value.join(' ');
}
