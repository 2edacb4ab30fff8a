import type { ApiKeyRecord, KeyStore } from '../../storage/index.js';
import type { Logger } from '../../logger.js';
import { trace } from '../../logger.js';

export interface UsageTrackerOptions {
  keys: KeyStore;
  logger: Logger;
  /** How often pending uses are written, in ms. */
  flushIntervalMs: number;
  /** A key's lastUsedAt is written at most this often, in ms. */
  minIntervalMs: number;
}

/**
 * Keeps `lastUsedAt` current without a storage write per request: uses are
 * collected in memory and written in one batch off the request path. A
 * key's first use is written at the next flush; later ones at most once
 * per `minIntervalMs`.
 */
export class KeyUsageTracker {
  private readonly pending = new Map<string, Date>();
  private readonly written = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(private readonly options: UsageTrackerOptions) {}

  start(): void {
    if (this.timer) return;

    this.timer = setInterval(() => void this.flush(), this.options.flushIntervalMs);
    this.timer.unref();
  }

  record(key: ApiKeyRecord, at: Date): void {
    const last = this.written.get(key.keyId) ?? key.lastUsedAt?.getTime();

    if (last !== undefined && at.getTime() - last < this.options.minIntervalMs) {
      return;
    }

    this.pending.set(key.keyId, at);
    this.written.set(key.keyId, at.getTime());
  }

  /** Writes what is pending; storage failures are logged, not thrown. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.writePending());

    return this.flushing;
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;

    await this.flush();
  }

  private async writePending(): Promise<void> {
    if (this.pending.size === 0) return;

    const uses = [...this.pending].map(([keyId, lastUsedAt]) => ({
      keyId,
      lastUsedAt,
    }));

    this.pending.clear();

    try {
      await this.options.keys.touchKeys(uses);
      trace.auth('recorded use of %d keys', uses.length);
    } catch (error) {
      for (const use of uses) this.written.delete(use.keyId);
      this.options.logger.warn({ err: error }, 'could not record key use');
    }
  }
}
