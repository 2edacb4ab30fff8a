import type { ApiKeyRecord, KeyStore } from '../../storage/index.js';

/** Entries kept before the oldest is dropped; keys in use stay warm. */
const MAX_ENTRIES = 10_000;

interface Entry {
  key: ApiKeyRecord;
  until: number;
}

/**
 * Remembers key lookups for a few seconds so a busy client does not cost
 * a storage round trip per request. Only keys that exist are kept, so a
 * new key works at once. A key deactivated through this process is
 * forgotten at once; one deactivated elsewhere (the CLI, another
 * instance) stops working within the TTL.
 */
export class KeyCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly keys: KeyStore,
    private readonly ttlMs: number,
    private readonly now: () => Date,
  ) {}

  async find(digest: string): Promise<ApiKeyRecord | null> {
    if (this.ttlMs === 0) return this.keys.findKeyByDigest(digest);

    const cached = this.entries.get(digest);

    if (cached && cached.until > this.now().getTime()) return cached.key;

    const key = await this.keys.findKeyByDigest(digest);

    this.remember(digest, key);

    return key;
  }

  /** Drops a key, e.g. after it was deactivated. */
  forget(keyId: string): void {
    for (const [digest, entry] of this.entries) {
      if (entry.key.keyId === keyId) this.entries.delete(digest);
    }
  }

  private remember(digest: string, key: ApiKeyRecord | null): void {
    this.entries.delete(digest);
    if (!key) return;

    if (this.entries.size >= MAX_ENTRIES) {
      this.entries.delete(this.entries.keys().next().value as string);
    }
    this.entries.set(digest, { key, until: this.now().getTime() + this.ttlMs });
  }
}
