import type { Permission } from '../../storage/index.js';
import { PERMISSIONS } from '../../storage/index.js';
import { trace } from '../../logger.js';
import type { KeyCache } from './key-cache.js';
import type { KeyUsageTracker } from './usage-tracker.js';
import {
  createMasterKeyCheck,
  keyHash,
  looksLikeUserKey,
} from './key-material.js';

/** Who is calling: the master key, or a key that belongs to one user. */
export type Caller =
  | { kind: 'master'; permission: 'Admin' }
  | { kind: 'user'; userId: string; keyId: string; permission: Permission };

export type AuthResult =
  | { ok: true; caller: Caller }
  | { ok: false; reason: 'missing' | 'unknown' | 'inactive' | 'expired' };

const MASTER: Caller = { kind: 'master', permission: 'Admin' };

/** True when `held` includes everything `required` allows. */
export function permits(held: Permission, required: Permission): boolean {
  return PERMISSIONS.indexOf(held) >= PERMISSIONS.indexOf(required);
}

/** Whether the caller may act on data that belongs to `userId`. */
export function canActFor(caller: Caller, userId: string): boolean {
  return caller.kind === 'master' || caller.userId === userId;
}

export interface AuthenticatorOptions {
  keys: KeyCache;
  masterKey: string | undefined;
  usage: KeyUsageTracker;
  now: () => Date;
}

export function createAuthenticator(options: AuthenticatorOptions) {
  const isMasterKey = createMasterKeyCheck(options.masterKey);

  return async function authenticate(
    presented: string | undefined,
  ): Promise<AuthResult> {
    if (!presented) return { ok: false, reason: 'missing' };

    // One hash serves both the master comparison and the digest lookup.
    const hash = keyHash(presented);

    if (isMasterKey(hash)) return { ok: true, caller: MASTER };

    if (!looksLikeUserKey(presented)) return { ok: false, reason: 'unknown' };

    const key = await options.keys.find(hash.toString('hex'));
    const now = options.now();

    if (!key) return { ok: false, reason: 'unknown' };
    if (!key.isActive) return { ok: false, reason: 'inactive' };
    if (key.expiresAt && key.expiresAt <= now) {
      return { ok: false, reason: 'expired' };
    }

    options.usage.record(key, now);
    trace.auth('key %s of user %s', key.keyId, key.userId);

    return {
      ok: true,
      caller: {
        kind: 'user',
        userId: key.userId,
        keyId: key.keyId,
        permission: key.permission,
      },
    };
  };
}

export type Authenticate = ReturnType<typeof createAuthenticator>;
