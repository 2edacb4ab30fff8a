import type {
  ApiKeyRecord,
  KeyStore,
  KeyUse,
} from '../../src/storage/index.js';

function byCreation(a: ApiKeyRecord, b: ApiKeyRecord): number {
  const diff = a.createdAt.getTime() - b.createdAt.getTime();

  if (diff !== 0) return diff;

  return a.keyId < b.keyId ? -1 : a.keyId > b.keyId ? 1 : 0;
}

export class MemoryKeys implements KeyStore {
  private readonly byId = new Map<string, ApiKeyRecord>();
  private readonly byDigest = new Map<string, ApiKeyRecord>();

  async createKey(key: ApiKeyRecord): Promise<void> {
    if (this.byId.has(key.keyId) || this.byDigest.has(key.digest)) {
      throw new Error('An API key with this id or digest already exists.');
    }

    const stored = { ...key };

    this.byId.set(stored.keyId, stored);
    this.byDigest.set(stored.digest, stored);
  }

  async findKeyByDigest(digest: string): Promise<ApiKeyRecord | null> {
    const found = this.byDigest.get(digest);

    return found ? { ...found } : null;
  }

  async listKeys(userId: string): Promise<ApiKeyRecord[]> {
    return [...this.byId.values()]
      .filter((key) => key.userId === userId)
      .sort(byCreation)
      .map((key) => ({ ...key }));
  }

  async deactivateKey(keyId: string): Promise<boolean> {
    const found = this.byId.get(keyId);

    if (!found) return false;

    found.isActive = false;

    return true;
  }

  async touchKeys(uses: KeyUse[]): Promise<void> {
    for (const use of uses) {
      const found = this.byId.get(use.keyId);
      const current = found?.lastUsedAt?.getTime() ?? -Infinity;

      if (found && use.lastUsedAt.getTime() > current) {
        found.lastUsedAt = new Date(use.lastUsedAt);
      }
    }
  }
}
