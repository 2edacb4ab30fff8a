/**
 * Small concurrency helpers for the dispatcher: a per-key limit and a
 * wake-up signal with a fallback timer.
 */

interface Lane {
  active: number;
  waiting: (() => void)[];
}

/**
 * Runs work with at most `limit` tasks in flight per key; the rest wait in
 * arrival order. Used to cap attempts to one subscription.
 */
export class KeyedLimit {
  private readonly lanes = new Map<string, Lane>();

  constructor(private readonly limit: number) {}

  /** Runs `work` once the key has a free slot. */
  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    await this.acquire(key);

    try {
      return await work();
    } finally {
      this.release(key);
    }
  }

  private acquire(key: string): Promise<void> {
    const lane = this.lanes.get(key) ?? { active: 0, waiting: [] };

    this.lanes.set(key, lane);

    if (lane.active < this.limit) {
      lane.active += 1;

      return Promise.resolve();
    }

    // The slot is handed over by release, so active stays counted.
    return new Promise((resolve) => lane.waiting.push(resolve));
  }

  private release(key: string): void {
    const lane = this.lanes.get(key);

    if (!lane) return;

    const next = lane.waiting.shift();

    if (next) return next();

    lane.active -= 1;
    if (lane.active === 0) this.lanes.delete(key);
  }
}

/**
 * A signal the dispatcher's loop waits on: `notify` ends the current wait,
 * or the next one when nobody waits yet, so a wake-up is never lost.
 */
export class Wakeup {
  private pending = false;
  private release: (() => void) | null = null;

  /**
   * @param keepAlive - whether a pending wait keeps the process alive;
   *   false unrefs its timer.
   */
  constructor(private readonly keepAlive: boolean) {}

  notify(): void {
    const release = this.release;

    if (release) release();
    else this.pending = true;
  }

  /** Resolves on notify or after `ms`, whichever comes first. */
  wait(ms: number): Promise<void> {
    if (this.pending) {
      this.pending = false;

      return Promise.resolve();
    }

    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.release = null;
        resolve();
      };
      const timer = setTimeout(done, ms);

      if (!this.keepAlive) timer.unref();
      this.release = done;
    });
  }
}
