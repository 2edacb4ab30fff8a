/**
 * The benchmark's data, written through the library as a host would:
 * 50 categories, 1,000 users, three users with 10, 1,000 and 10,000
 * attempts and a few attempts for everyone else.
 */
import type { LmsApi, RecordAttemptInput } from '../src/index.js';

export const CATEGORY_COUNT = 50;
export const USER_COUNT = 1000;
/** Attempts of each of the 997 ordinary users. */
export const ORDINARY_ATTEMPTS = 5;
/** Records in flight at once: enough to keep a pool of 10 busy. */
const BATCH = 24;
const DAY_MS = 86_400_000;

/** The three users whose progress is measured, by history size. */
export const PROFILED_USERS = {
  light: { userId: 'bench-user-0001', attempts: 10 },
  mid: { userId: 'bench-user-0002', attempts: 1000 },
  heavy: { userId: 'bench-user-0003', attempts: 10_000 },
} as const;

export type Profile = keyof typeof PROFILED_USERS;

/** They are the first users, so the ordinary ones start after them. */
const PROFILED_COUNT = Object.keys(PROFILED_USERS).length;

const VENDORS = [
  ['Azure', 'AZ'], ['AWS', 'AWS'], ['Google Cloud', 'GCP'],
  ['Cisco', 'CCN'], ['CompTIA', 'CT'],
] as const;

function userId(index: number): string {
  return `bench-user-${String(index + 1).padStart(4, '0')}`;
}

/** The 50 categories, a tenth of them inactive. */
export async function seedCategories(lms: LmsApi): Promise<void> {
  for (let id = 1; id <= CATEGORY_COUNT; id++) {
    const [vendor, code] = VENDORS[id % VENDORS.length]!;

    await lms.categories.upsert({
      categoryId: id,
      name: `${vendor} Certification ${String(id).padStart(2, '0')}`,
      code: `${code}-${100 + id}`,
      description: `Practice exams for ${vendor} track ${id}.`,
      questionCount: 40 + (id % 7) * 20,
      // A few retired ones, so includeOff and the active filter matter.
      isActive: id % 10 !== 0,
    });
  }
}

async function seedUsers(lms: LmsApi): Promise<void> {
  const indexes = Array.from({ length: USER_COUNT }, (_, i) => i);

  await inBatches(indexes, (i) => lms.users.upsert({
    userId: userId(i),
    fullName: `Bench User ${i + 1}`,
    email: `bench.user.${i + 1}@example.com`,
  }));
}

/**
 * Categories the profiled users practise: the same ten for all three, so
 * their progress has the same shape (at most ten averages) and only the
 * length of the history differs between them.
 */
const PROFILED_CATEGORIES = 10;

/**
 * The n-th attempt of a user with `count` of them, the newest first, spread
 * evenly over the last year so `fromUtc` windows hold a share of them.
 */
function attempt(
  user: string,
  n: number,
  count: number,
  now: number,
  categories: number,
): RecordAttemptInput {
  const spacing = Math.max(Math.floor(365 * DAY_MS / count), 60_000);
  const total = 20 + (n % 3) * 10;

  return {
    userId: user,
    categoryId: 1 + ((n * 7) % categories),
    correct: (n * 13) % (total + 1),
    total,
    source: n % 4 === 0 ? 'simulation-exam' : 'practice',
    completedAt: new Date(now - n * spacing - 1000),
  };
}

function allAttempts(now: number): RecordAttemptInput[] {
  const inputs: RecordAttemptInput[] = [];

  for (const { userId: user, attempts } of Object.values(PROFILED_USERS)) {
    for (let n = 0; n < attempts; n++) {
      inputs.push(attempt(user, n, attempts, now, PROFILED_CATEGORIES));
    }
  }
  for (let i = PROFILED_COUNT; i < USER_COUNT; i++) {
    for (let n = 0; n < ORDINARY_ATTEMPTS; n++) {
      inputs.push(attempt(userId(i), n, ORDINARY_ATTEMPTS, now,
        CATEGORY_COUNT));
    }
  }

  return inputs;
}

/** Runs `work` over `items` with at most BATCH calls in flight. */
export async function inBatches<T>(
  items: T[],
  work: (item: T) => Promise<unknown>,
  batch = BATCH,
): Promise<void> {
  for (let start = 0; start < items.length; start += batch) {
    await Promise.all(items.slice(start, start + batch).map(work));
  }
}

/** What the seed wrote; the load cases are built from it. */
export interface SeedSummary {
  attempts: number;
  /** An instant 30 days before the newest attempt, for `fromUtc`. */
  fromUtc: string;
}

/**
 * Writes the whole data set. Attempts go through `lms.attempts.record`, so
 * the running totals and outbox are exactly what production keeps.
 */
export async function seedCatalog(lms: LmsApi): Promise<SeedSummary> {
  const now = Date.now();
  const attempts = allAttempts(now);

  await seedCategories(lms);
  await seedUsers(lms);
  await inBatches(attempts, (input) => lms.attempts.record(input));

  return {
    attempts: attempts.length,
    fromUtc: new Date(now - 30 * DAY_MS).toISOString(),
  };
}
