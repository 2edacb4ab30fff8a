/**
 * When a failed delivery is tried again. The schedule is data, not timers:
 * the dispatcher stores the next attempt's time with the delivery, so a
 * restart or another worker picks it up where this one left off.
 */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * Delay before each attempt, counted from the previous one. The first
 * attempt goes out at once; after the last entry the delivery has failed.
 */
export const RETRY_SCHEDULE_MS: readonly number[] = [
  0,
  5 * SECOND,
  5 * MINUTE,
  30 * MINUTE,
  2 * HOUR,
  5 * HOUR,
  10 * HOUR,
  10 * HOUR,
];

/** Attempts a delivery gets before it is marked failed. */
export const MAX_ATTEMPTS = RETRY_SCHEDULE_MS.length;

/**
 * Each retry lands up to this fraction later than its step, so receivers
 * that went down together are not hit by every retry at the same instant.
 * Never earlier: the documented schedule is a minimum.
 */
export const JITTER_RATIO = 0.2;

/** The longest a receiver's Retry-After can push the next attempt out. */
export const MAX_RETRY_AFTER_MS = DAY;

/** A subscription failing without a success for this long is disabled. */
export const FAILING_DISABLE_AFTER_MS = 5 * DAY;

/** What the schedule needs to know about the attempt that just failed. */
export interface RetryInput {
  /** Attempts made so far, the one that just failed included. */
  attempts: number;
  /** When that attempt was made. */
  attemptedAt: Date;
  /** The receiver's Retry-After in seconds, if it sent one. */
  retryAfterSeconds: number | null;
  /** A number in [0, 1); `Math.random` in production. */
  random: () => number;
}

/**
 * The time of the next attempt after a failure, or null when the attempts
 * are used up.
 *
 * The delay is the schedule's step plus jitter. A Retry-After header can
 * only push it later, and no further than 24 hours.
 *
 * @example
 * ```ts
 * nextAttemptAt({ attempts: 1, attemptedAt, retryAfterSeconds: null,
 *   random: Math.random }); // 5 to 6 seconds after attemptedAt
 * ```
 */
export function nextAttemptAt(input: RetryInput): Date | null {
  if (input.attempts >= MAX_ATTEMPTS) return null;

  const step = RETRY_SCHEDULE_MS[Math.max(input.attempts, 1)];
  const jittered = step * (1 + JITTER_RATIO * clampUnit(input.random()));
  const delay = honourRetryAfter(jittered, input.retryAfterSeconds);

  return new Date(input.attemptedAt.getTime() + Math.round(delay));
}

/**
 * Applies a receiver's Retry-After to a scheduled delay: never sooner than
 * the schedule, never later than {@link MAX_RETRY_AFTER_MS}.
 */
export function honourRetryAfter(
  scheduledMs: number,
  retryAfterSeconds: number | null,
): number {
  if (retryAfterSeconds === null) return scheduledMs;

  const asked = Math.min(retryAfterSeconds * SECOND, MAX_RETRY_AFTER_MS);

  return Math.max(scheduledMs, asked);
}

/**
 * Whether a subscription that has been failing since `failingSince` has
 * failed long enough to be disabled.
 */
export function hasFailedTooLong(
  failingSince: Date | null,
  now: Date,
): boolean {
  if (failingSince === null) return false;

  return now.getTime() - failingSince.getTime() >= FAILING_DISABLE_AFTER_MS;
}

// A custom random source could stray outside [0, 1); the bounds above
// must hold whatever it returns.
function clampUnit(value: number): number {
  if (!Number.isFinite(value) || value < 0) return 0;

  return Math.min(value, 1);
}
