/**
 * API keys. Only digests are stored; lookups by digest use a unique index.
 */
import type {
  ApiKeyRecord,
  KeyStore,
  KeyUse,
} from '../../src/storage/index.js';
import { execute, select, type Db } from './db.js';
import { KEY_COLUMNS, toKey, type KeyRow } from './rows.js';

/** KeyStore on PostgreSQL. */
export class PostgresKeys implements KeyStore {
  constructor(private readonly db: Db) {}

  private get table(): string {
    return this.db.names.table.apiKeys;
  }

  async createKey(key: ApiKeyRecord): Promise<void> {
    await this.db.run((q) => execute(q, `
      insert into ${this.table} (${KEY_COLUMNS})
      values (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      key.keyId,
      key.userId,
      key.name,
      key.permission,
      key.isActive,
      key.createdAt,
      key.lastUsedAt,
      key.expiresAt,
      key.digest,
    ]));
  }

  async findKeyByDigest(digest: string): Promise<ApiKeyRecord | null> {
    const [row] = await this.db.run((q) => select<KeyRow>(q, `
      select ${KEY_COLUMNS} from ${this.table} where digest = ?`, [digest]));

    return row ? toKey(row) : null;
  }

  async listKeys(userId: string): Promise<ApiKeyRecord[]> {
    const rows = await this.db.run((q) => select<KeyRow>(q, `
      select ${KEY_COLUMNS} from ${this.table}
       where user_id = ?
       order by created_at, key_id`, [userId]));

    return rows.map(toKey);
  }

  async deactivateKey(keyId: string): Promise<boolean> {
    const changed = await this.db.run((q) => execute(q, `
      update ${this.table} set is_active = false where key_id = ?`,
    [keyId]));

    return changed > 0;
  }

  /**
   * One statement for the whole batch. GREATEST skips nulls, so a first use
   * sets the time and a late, older report leaves a newer one in place.
   */
  async touchKeys(uses: KeyUse[]): Promise<void> {
    if (uses.length === 0) return;

    const ids = uses.map((use) => use.keyId);
    const times = uses.map((use) => use.lastUsedAt.toISOString());

    await this.db.run((q) => execute(q, `
      update ${this.table} k
         set last_used_at = greatest(k.last_used_at, u.used_at)
        from (select key_id, max(used_at) as used_at
                from unnest(?::text[], ?::timestamptz[]) as u (key_id, used_at)
               group by key_id) u
       where k.key_id = u.key_id`, [ids, times]));
  }
}
