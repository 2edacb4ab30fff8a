import { newId } from '../ids.js';
import type {
  AttemptRecord,
  CatalogStore,
  Category,
  User,
  WebhookEvent,
} from '../storage/index.js';
import { viewAttempt } from './views.js';

export interface RecordAttemptInput {
  userId: string;
  categoryId: number;
  correct: number;
  total: number;
  source: string;
  /** Default: now. */
  completedAt?: Date;
}

function fail(method: string, field: string, expected: string): never {
  throw new TypeError(`${method}: \`${field}\` must be ${expected}`);
}

function nonEmpty(value: unknown): boolean {
  return typeof value === 'string' && value.trim() !== '';
}

function assertCategory(c: Category): void {
  const m = 'categories.upsert';

  if (!Number.isSafeInteger(c?.categoryId) || c.categoryId < 1) {
    fail(m, 'categoryId', 'a positive integer');
  }
  if (!nonEmpty(c.name)) fail(m, 'name', 'a non-empty string');
  if (typeof c.code !== 'string') fail(m, 'code', 'a string');
  if (typeof c.description !== 'string') fail(m, 'description', 'a string');
  if (!Number.isSafeInteger(c.questionCount) || c.questionCount < 0) {
    fail(m, 'questionCount', 'a non-negative integer');
  }
  if (typeof c.isActive !== 'boolean') fail(m, 'isActive', 'a boolean');
}

function assertUser(u: User): void {
  if (!nonEmpty(u?.userId)) fail('users.upsert', 'userId', 'a non-empty string');
  if (typeof u.fullName !== 'string') fail('users.upsert', 'fullName', 'a string');
  if (typeof u.email !== 'string') fail('users.upsert', 'email', 'a string');
}

function assertAttempt(a: RecordAttemptInput): void {
  const m = 'attempts.record';

  if (!nonEmpty(a?.userId)) fail(m, 'userId', 'a non-empty string');
  if (!Number.isSafeInteger(a.categoryId)) fail(m, 'categoryId', 'an integer');
  if (!Number.isSafeInteger(a.total) || a.total < 1) {
    fail(m, 'total', 'a positive integer');
  }
  if (!Number.isSafeInteger(a.correct) || a.correct < 0 || a.correct > a.total) {
    fail(m, 'correct', 'an integer between 0 and total');
  }
  if (typeof a.source !== 'string') fail(m, 'source', 'a string');
  if (a.completedAt !== undefined && Number.isNaN(a.completedAt?.getTime?.())) {
    fail(m, 'completedAt', 'a valid Date');
  }
}

/**
 * The host's way to feed the catalog: `lms.categories`, `lms.users` and
 * `lms.attempts`. Recording an attempt publishes `attempt.completed` in
 * the same write.
 */
export function createCatalogAdmin(catalog: CatalogStore, now: () => Date) {
  async function record(input: RecordAttemptInput) {
    assertAttempt(input);

    const attempt: AttemptRecord = {
      attemptId: newId('att'),
      userId: input.userId,
      categoryId: input.categoryId,
      correct: input.correct,
      total: input.total,
      source: input.source,
      completedAt: input.completedAt ?? now(),
    };
    const category = await catalog.getCategory(attempt.categoryId);
    const event: WebhookEvent = {
      eventId: newId('evt'),
      type: 'attempt.completed',
      userId: attempt.userId,
      timestamp: now(),
      data: viewAttempt({ ...attempt, categoryName: category?.name ?? '' }),
    };

    await catalog.recordAttempt(attempt, event);

    return attempt;
  }

  return {
    categories: {
      async upsert(category: Category): Promise<void> {
        assertCategory(category);
        await catalog.upsertCategory({ ...category });
      },
    },
    users: {
      async upsert(user: User): Promise<void> {
        assertUser(user);
        await catalog.upsertUser({ ...user });
      },
    },
    attempts: { record },
  };
}
