/**
 * Categories, users and attempts. Each attempt also bumps a per-user,
 * per-category running total in the same transaction, so the all-time
 * averages are one indexed read however long the history grows.
 */
import type {
  AttemptRecord,
  CatalogStore,
  Category,
  CategoryQuery,
  ProgressData,
  ProgressQuery,
  User,
  WebhookEvent,
} from '../../src/storage/index.js';
import {
  execute,
  select,
  type Binding,
  type Db,
} from './db.js';
import type { Names } from './names.js';
import { publish } from './outbox.js';
import { readProgress } from './progress.js';
import {
  CATEGORY_COLUMNS,
  toCategory,
  type CategoryRow,
} from './rows.js';

interface UserRow {
  user_id: string;
  full_name: string;
  email: string;
}

/** The same arithmetic, in the same order, as the SQL range tallies. */
function percentOf(attempt: AttemptRecord): number {
  return (attempt.correct / attempt.total) * 100;
}

/** CatalogStore on PostgreSQL. */
export class PostgresCatalog implements CatalogStore {
  constructor(private readonly db: Db) {}

  private get t(): Names['table'] {
    return this.db.names.table;
  }

  /** Ordered by name in code-unit order, then id, like the memory adapter. */
  async listCategories(query: CategoryQuery): Promise<Category[]> {
    const filters = query.includeInactive ? [] : ['is_active'];
    const bindings: Binding[] = [];

    // position() rather than ILIKE: `%` and `_` in a search are literal.
    if (query.search) {
      filters.push('(position(lower(?) in lower(name)) > 0 ' +
        'or position(lower(?) in lower(code)) > 0)');
      bindings.push(query.search, query.search);
    }

    const where = filters.length ? `where ${filters.join(' and ')}` : '';
    const rows = await this.db.run((q) => select<CategoryRow>(q, `
      select ${CATEGORY_COLUMNS} from ${this.t.categories} ${where}
       order by name collate "C", category_id`, bindings));

    return rows.map(toCategory);
  }

  async getCategory(categoryId: number): Promise<Category | null> {
    const [row] = await this.db.run((q) => select<CategoryRow>(q, `
      select ${CATEGORY_COLUMNS} from ${this.t.categories}
       where category_id = ?`, [categoryId]));

    return row ? toCategory(row) : null;
  }

  async getUser(userId: string): Promise<User | null> {
    const [row] = await this.db.run((q) => select<UserRow>(q, `
      select user_id, full_name, email from ${this.t.users}
       where user_id = ?`, [userId]));

    return row
      ? { userId: row.user_id, fullName: row.full_name, email: row.email }
      : null;
  }

  /**
   * One statement whatever the history size: the attempts (newest first,
   * trimmed to `recent`) and the tallies, from the running totals or, with
   * `fromUtc`, summed over the same index range as the attempts.
   */
  async readProgress(
    userId: string,
    query: ProgressQuery,
  ): Promise<ProgressData> {
    return this.db.run((q) =>
      readProgress(q, this.db.names, userId, query));
  }

  async upsertCategory(category: Category): Promise<void> {
    await this.db.run((q) => execute(q, `
      insert into ${this.t.categories} (${CATEGORY_COLUMNS})
      values (?, ?, ?, ?, ?, ?)
      on conflict (category_id) do update set
        name = excluded.name,
        code = excluded.code,
        description = excluded.description,
        question_count = excluded.question_count,
        is_active = excluded.is_active`,
    [
      category.categoryId,
      category.name,
      category.code,
      category.description,
      category.questionCount,
      category.isActive,
    ]));
  }

  async upsertUser(user: User): Promise<void> {
    await this.db.run((q) => execute(q, `
      insert into ${this.t.users} (user_id, full_name, email)
      values (?, ?, ?)
      on conflict (user_id) do update set
        full_name = excluded.full_name,
        email = excluded.email`,
    [user.userId, user.fullName, user.email]));
  }

  /**
   * The attempt, its running total and its outbox entries commit in one
   * statement. Unknown users and categories surface as violations of the
   * attempts' foreign keys (its row is written before the total's, so its
   * checks fire first), which the error mapping turns into
   * UnknownReferenceError.
   */
  async recordAttempt(
    attempt: AttemptRecord,
    event: WebhookEvent,
  ): Promise<void> {
    await this.db.run((q) => publish(q, this.db.names, event, {
      ctes: [this.insertAttemptSql(), this.addToTotalsSql()],
      bindings: [
        attempt.attemptId,
        attempt.userId,
        attempt.categoryId,
        attempt.correct,
        attempt.total,
        attempt.source,
        attempt.completedAt,
        percentOf(attempt),
      ],
    }));
  }

  private insertAttemptSql(): string {
    return `attempt as (
      insert into ${this.t.attempts}
        (attempt_id, user_id, category_id, correct, total, source,
         completed_at)
      values (?, ?, ?, ?, ?, ?, ?)
      returning user_id, category_id)`;
  }

  /** Reads the attempt's CTE, so the total is written after the attempt. */
  private addToTotalsSql(): string {
    return `total as (
      insert into ${this.t.categoryTotals} as c
        (user_id, category_id, attempts, percent_sum)
      select user_id, category_id, 1, ?::double precision from attempt
      on conflict (user_id, category_id) do update set
        attempts = c.attempts + 1,
        percent_sum = c.percent_sum + excluded.percent_sum)`;
  }
}
