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
  return keyHash(key).toString('hex');
}

export function looksLikeUserKey(key: string): boolean {
  return key.startsWith(KEY_PREFIX) && key.length <= 128;
}

/** The SHA-256 of a key, as bytes: what both checks below compare. */
export function keyHash(key: string): Buffer {
  return createHash('sha256').update(key).digest();
}

/**
 * Compares a presented key's hash with the master key's in constant time;
 * hashing first makes the lengths equal whatever was presented.
 */
export function createMasterKeyCheck(masterKey: string | undefined) {
  if (masterKey === undefined) return () => false;

  const expected = keyHash(masterKey);

  return function isMasterKey(presentedHash: Buffer): boolean {
    return timingSafeEqual(presentedHash, expected);
  };
}
