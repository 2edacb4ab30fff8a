import type {
  ApiKeyRecord,
  KeyStore,
  Permission,
} from '../../storage/index.js';
import { PERMISSIONS } from '../../storage/index.js';
import { newId } from '../../ids.js';
import { digestKey, generateKey } from './key-material.js';
import type { KeyCache } from './key-cache.js';
import type { KeyUsageTracker } from './usage-tracker.js';

/** An API key as the host sees it: never the plaintext, never the digest. */
export type ApiKey = Omit<ApiKeyRecord, 'digest'>;

export interface CreateKeyInput {
  userId: string;
  permission: Permission;
  name?: string;
  /** null or omitted: the key does not expire. */
  expiresAt?: Date | null;
}

function withoutDigest({ digest: _digest, ...key }: ApiKeyRecord): ApiKey {
  return key;
}

function assertCreateInput(input: CreateKeyInput): void {
  if (typeof input.userId !== 'string' || input.userId.trim() === '') {
    throw new TypeError('keys.create: `userId` must be a non-empty string');
  }
  if (!PERMISSIONS.includes(input.permission)) {
    throw new TypeError(
      `keys.create: \`permission\` must be one of ${PERMISSIONS.join(', ')}`,
    );
  }
  if (input.expiresAt != null && Number.isNaN(input.expiresAt.getTime?.())) {
    throw new TypeError('keys.create: `expiresAt` must be a valid Date or null');
  }
}

/** `lms.keys`: issue, list and deactivate user-scoped API keys. */
export function createKeyAdmin(
  keys: KeyStore,
  cache: KeyCache,
  usage: KeyUsageTracker,
  now: () => Date,
) {
  return {
    /**
     * Issues a key. `key` is the plaintext: show it to its owner once, it
     * cannot be recovered later.
     *
     * @example
     * const { key, apiKey } = await lms.keys.create({
     *   userId, permission: 'ReadOnly', name: 'Dashboard' });
     */
    async create(input: CreateKeyInput) {
      assertCreateInput(input);

      const key = generateKey();
      const record: ApiKeyRecord = {
        keyId: newId('key'),
        userId: input.userId,
        name: input.name ?? '',
        permission: input.permission,
        isActive: true,
        createdAt: now(),
        lastUsedAt: null,
        expiresAt: input.expiresAt ?? null,
        digest: digestKey(key),
      };

      await keys.createKey(record);

      return { key, apiKey: withoutDigest(record) };
    },

    /** The user's keys, oldest first, without plaintexts or digests. */
    async list(userId: string): Promise<ApiKey[]> {
      return (await keys.listKeys(userId)).map(withoutDigest);
    },

    /**
     * Turns a key off for good, at once in this process. False when no
     * key has that id.
     */
    async deactivate(keyId: string): Promise<boolean> {
      const found = await keys.deactivateKey(keyId);

      cache.forget(keyId);

      return found;
    },

    /** Writes pending lastUsedAt updates now instead of at the next tick. */
    flushUsage(): Promise<void> {
      return usage.flush();
    },
  };
}

export type KeyAdmin = ReturnType<typeof createKeyAdmin>;
