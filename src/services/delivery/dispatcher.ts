/**
 * The delivery loop: claim due deliveries from storage, run their attempts
 * within the concurrency limits, and record each outcome. Everything the
 * loop knows between attempts lives in storage, so any number of
 * dispatchers, in any number of processes, can share one outbox.
 */
import { trace, type Logger } from '../../logger.js';
import type { DeliveryClaim, WebhookStore } from '../../storage/index.js';
import { runAttempt, type AttemptReport } from './attempt.js';
import type { DeliveryConfig } from './config.js';
import { KeyedLimit, Wakeup } from './limits.js';

/** What createDispatcher needs. */
export interface DispatcherOptions {
  webhooks: WebhookStore;
  now: () => Date;
  logger: Logger;
  config: DeliveryConfig;
  /** Source of jitter, in [0, 1). Default `Math.random`. */
  random?: () => number;
  /**
   * Whether the poll timer keeps the process alive. The standalone worker
   * wants that; inside a host app the server already does it.
   */
  keepAlive?: boolean;
}

/** What one claim-and-deliver round did. */
export interface DispatchCounts {
  /** Deliveries claimed and attempted. */
  claimed: number;
  succeeded: number;
  /** Failed this time, with another attempt scheduled. */
  retrying: number;
  /** Failed for good. */
  failed: number;
}

/** The running delivery engine. */
export interface Dispatcher {
  /** Starts the background loop; a no-op when it runs already. */
  start(): void;
  /**
   * Claims what is due (up to the free concurrency), delivers it and
   * resolves when those attempts are recorded.
   */
  runOnce(): Promise<DispatchCounts>;
  /** Asks the loop to look for due deliveries now, e.g. after a publish. */
  wake(): void;
  /** Runs one final attempt of a claim made elsewhere (test pings). */
  deliverNow(claim: DeliveryClaim): Promise<AttemptReport | null>;
  /** Lease end for a claim made now. */
  leaseUntil(): Date;
  /** Stops claiming and waits for the attempts in flight. */
  close(): Promise<void>;
}

// Added to every lease for the storage writes and hooks after a send.
const LEASE_MARGIN_MS = 60_000;

/**
 * Creates a dispatcher. It does nothing until `start()` or `runOnce()`.
 *
 * @example
 * ```ts
 * const dispatcher = createDispatcher({ webhooks: storage.webhooks,
 *   now: () => new Date(), logger, config });
 * dispatcher.start();
 * // on shutdown
 * await dispatcher.close();
 * ```
 */
export function createDispatcher(options: DispatcherOptions): Dispatcher {
  const { config, webhooks, now, logger } = options;
  const context = {
    webhooks, now, logger, config, random: options.random ?? Math.random,
  };
  const perSubscription = new KeyedLimit(config.perSubscriptionConcurrency);
  const wakeup = new Wakeup(options.keepAlive ?? false);
  const inFlight = new Set<Promise<unknown>>();
  const state = { closed: false, reserved: 0, mayHaveMore: false };
  let loop: Promise<void> | null = null;

  // A claim may wait behind the others of its subscription, one timeout
  // per round, before its own attempt starts.
  const rounds = Math.ceil(
    config.concurrency / config.perSubscriptionConcurrency,
  );
  const leaseMs = (rounds + 1) * config.timeoutMs + LEASE_MARGIN_MS;

  // Slots are refilled in batches: a claim per freed slot would cost a
  // storage round trip per delivery under load.
  const refillAt = Math.max(1, Math.floor(config.concurrency / 4));

  function hasRoomToRefill(): boolean {
    return config.concurrency - state.reserved >= refillAt;
  }

  function leaseUntil(): Date {
    return new Date(now().getTime() + leaseMs);
  }

  function track<T>(work: Promise<T>): Promise<T> {
    const forget = () => inFlight.delete(work);

    inFlight.add(work);
    // Both branches handled, so a rejection here is never unhandled; the
    // caller still sees it through `work`.
    work.then(forget, forget);

    return work;
  }

  function attempt(claim: DeliveryClaim): Promise<AttemptReport | null> {
    const run = perSubscription.run(claim.subscription.webhookId,
      () => runAttempt(context, claim));

    return track(run.finally(() => {
      state.reserved -= 1;
      // Freed slots are worth a claim only when the last one was full.
      if (state.mayHaveMore && hasRoomToRefill()) wakeup.notify();
    }));
  }

  /** Reserves the free slots, claims that many and starts them. */
  async function claimBatch(): Promise<Promise<AttemptReport | null>[]> {
    const want = config.concurrency - state.reserved;

    if (state.closed || want <= 0) return [];

    state.reserved += want;

    let claims: DeliveryClaim[] = [];

    try {
      const at = now();

      claims = await webhooks.claimDueDeliveries({
        now: at, limit: want, leaseUntil: new Date(at.getTime() + leaseMs),
      });
    } finally {
      state.reserved -= want - claims.length;
    }

    state.mayHaveMore = claims.length === want;
    if (claims.length > 0) trace.dispatch('claimed %d', claims.length);

    return claims.map(attempt);
  }

  async function runOnce(): Promise<DispatchCounts> {
    const started = track(claimBatch());

    return countReports(await Promise.all(await started));
  }

  async function runLoop(): Promise<void> {
    while (!state.closed) {
      try {
        await track(claimBatch());
      } catch (error) {
        state.mayHaveMore = false;
        logger.error({ err: error },
          'certboost-lms-api: could not claim webhook deliveries');
      }

      if (state.closed || (state.mayHaveMore && hasRoomToRefill())) continue;

      await wakeup.wait(config.pollIntervalMs);
    }
  }

  return {
    start() {
      if (loop || state.closed) return;

      trace.dispatch('started');
      loop = runLoop();
    },

    runOnce,

    wake() {
      wakeup.notify();
    },

    deliverNow(claim) {
      return track(perSubscription.run(claim.subscription.webhookId,
        () => runAttempt(context, claim, { final: true })));
    },

    leaseUntil,

    async close() {
      state.closed = true;
      wakeup.notify();
      await loop;

      // Claims still running may add attempts; wait until none is left.
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);

      trace.dispatch('closed');
    },
  };
}

function countReports(reports: (AttemptReport | null)[]): DispatchCounts {
  const counts = { claimed: reports.length, succeeded: 0, retrying: 0,
    failed: 0 };

  for (const report of reports) {
    if (report?.status === 'succeeded') counts.succeeded += 1;
    else if (report?.status === 'pending') counts.retrying += 1;
    else counts.failed += 1;
  }

  return counts;
}
