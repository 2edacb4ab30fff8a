import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Prefix of every user-scoped key, so secret scanners and people can tell
 * a CertBoost key from other tokens at a glance.
 */
export const KEY_PREFIX = 'cbk_';

/** 24 random bytes: 192 bits, comfortably above the 128 required. */
const KEY_BYTES = 24;

export function generateKey(): string {
  return KEY_PREFIX + randomBytes(KEY_BYTES).toString('base64url');
}

/** Keys carry enough entropy that a fast hash is safe as their digest. */
export function digestKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function looksLikeUserKey(key: string): boolean {
  return key.startsWith(KEY_PREFIX) && key.length <= 128;
}

/**
 * Compares a presented secret with the master key in constant time:
 * both sides are hashed first, so the lengths are always equal.
 */
export function createMasterKeyCheck(masterKey: string | undefined) {
  if (masterKey === undefined) return () => false;

  const expected = createHash('sha256').update(masterKey).digest();

  return function isMasterKey(presented: string): boolean {
    const actual = createHash('sha256').update(presented).digest();

    return timingSafeEqual(actual, expected);
  };
}
