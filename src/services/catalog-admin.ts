import { newId } from '../ids.js';
import type {
  AttemptRecord,
  AttemptView,
  CatalogStore,
  Category,
  User,
  WebhookEvent,
  WebhookStore,
} from '../storage/index.js';
import { viewAttempt } from './views.js';

/** An attempt kept in the host's own tables, announced to webhooks. */
export interface AnnouncedAttempt {
  attemptId: string;
  userId: string;
  categoryId: number;
  categoryName: string;
  correct: number;
  total: number;
  source: string;
  completedAt: Date;
}

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

function assertAttempt(a: RecordAttemptInput, m = 'attempts.record'): void {
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

function assertAnnounced(a: AnnouncedAttempt): void {
  const m = 'attempts.announce';

  assertAttempt(a, m);
  if (!nonEmpty(a.attemptId)) fail(m, 'attemptId', 'a non-empty string');
  if (typeof a.categoryName !== 'string') fail(m, 'categoryName', 'a string');
  if (Number.isNaN(a.completedAt?.getTime?.())) {
    fail(m, 'completedAt', 'a valid Date');
  }
}

export interface CatalogAdminOptions {
  catalog: CatalogStore;
  /** Where events without a catalog write of their own are published. */
  webhooks: Pick<WebhookStore, 'publishEvent'>;
  /** True when the host serves the catalog; record() is then refused. */
  hostCatalog: boolean;
  now: () => Date;
}

function attemptEvent(attempt: AttemptView, now: Date): WebhookEvent {
  return {
    eventId: newId('evt'),
    type: 'attempt.completed',
    userId: attempt.userId,
    timestamp: now,
    data: viewAttempt(attempt),
  };
}

/**
 * The host's way to feed the catalog: `lms.categories`, `lms.users` and
 * `lms.attempts`. Recording an attempt publishes `attempt.completed` in
 * the same write.
 */
export function createCatalogAdmin(options: CatalogAdminOptions) {
  const { catalog, now } = options;

  function assertOwnCatalog(method: string): void {
    if (!options.hostCatalog) return;

    throw new Error(
      `${method}: the catalog is served by the host (the \`catalog\` ` +
        'option); write to it there, and call lms.attempts.announce() ' +
        'for attempt.completed webhooks.',
    );
  }

  /**
   * Publishes `attempt.completed` for an attempt the host stored in its
   * own tables. With the built-in catalog, use record() instead: it
   * stores the attempt and the event in one write.
   */
  async function announce(attempt: AnnouncedAttempt): Promise<void> {
    assertAnnounced(attempt);
    await options.webhooks.publishEvent(attemptEvent({ ...attempt }, now()));
  }

  async function record(input: RecordAttemptInput) {
    assertOwnCatalog('attempts.record');
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
    const event = attemptEvent(
      { ...attempt, categoryName: category?.name ?? '' },
      now(),
    );

    await catalog.recordAttempt(attempt, event);

    return attempt;
  }

  return {
    categories: {
      async upsert(category: Category): Promise<void> {
        assertOwnCatalog('categories.upsert');
        assertCategory(category);
        await catalog.upsertCategory({ ...category });
      },
    },
    users: {
      async upsert(user: User): Promise<void> {
        assertOwnCatalog('users.upsert');
        assertUser(user);
        await catalog.upsertUser({ ...user });
      },
    },
    attempts: { record, announce },
  };
}
