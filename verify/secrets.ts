/**
 * Turns the caller's `secret` argument into key bytes, once per secret.
 * Uses only atob so it runs wherever Web APIs do.
 */

/** A decoded secret; engines hang their own key objects off it. */
export interface SigningKey {
  readonly bytes: Uint8Array<ArrayBuffer>;
}

const PREFIX = 'whsec_';
const MAX_CACHED = 256;
const cache = new Map<string, SigningKey>();

/**
 * Validates and decodes `secret` (one or several). Throws a `TypeError`
 * naming the argument, so a missing secret shows up at the first call.
 */
export function signingKeys(
  secret: string | readonly string[],
): SigningKey[] {
  if (typeof secret === 'string') return [keyFor(secret)];

  if (!Array.isArray(secret) || secret.length === 0) throw emptySecret();

  return secret.map(keyFor);
}

function keyFor(secret: unknown): SigningKey {
  if (typeof secret !== 'string') throw emptySecret();

  const cached = cache.get(secret);

  if (cached) return cached;

  const key = { bytes: decode(secret) };

  // Insertion order makes the first entry the oldest.
  if (cache.size >= MAX_CACHED) {
    cache.delete(cache.keys().next().value as string);
  }
  cache.set(secret, key);

  return key;
}

function decode(secret: string): Uint8Array<ArrayBuffer> {
  const text = secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret;
  const binary = text === '' ? '' : decodeBase64(text);

  if (binary === '') throw emptySecret();

  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}

function decodeBase64(text: string): string {
  try {
    return atob(text);
  } catch {
    throw new TypeError('Expected `secret` to be base64 after whsec_.');
  }
}

function emptySecret(): TypeError {
  return new TypeError(
    'Expected `secret` to be a non-empty whsec_ secret or array of them.',
  );
}
