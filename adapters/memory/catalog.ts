import {
  UnknownReferenceError,
  type AttemptRecord,
  type AttemptView,
  type CatalogStore,
  type Category,
  type CategoryQuery,
  type CategoryTally,
  type ProgressData,
  type ProgressQuery,
  type User,
  type WebhookEvent,
} from '../../src/storage/index.js';

/** Receives an event in the same synchronous step as the write it belongs to. */
export type Publish = (event: WebhookEvent) => void;

interface UserHistory {
  /** Newest first, kept sorted on insert. */
  attempts: AttemptRecord[];
  /** categoryId → [count, percent sum], kept current on insert. */
  totals: Map<number, [number, number]>;
}

function byName(a: Category, b: Category): number {
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;

  return a.categoryId - b.categoryId;
}

function newerFirst(a: AttemptRecord, b: AttemptRecord): number {
  const diff = b.completedAt.getTime() - a.completedAt.getTime();

  if (diff !== 0) return diff;

  return a.attemptId < b.attemptId ? 1 : a.attemptId > b.attemptId ? -1 : 0;
}

function percentOf(attempt: AttemptRecord): number {
  return (attempt.correct / attempt.total) * 100;
}

/** Index of the first attempt that sorts after `attempt` (binary search). */
function insertionIndex(list: AttemptRecord[], attempt: AttemptRecord): number {
  let low = 0;
  let high = list.length;

  while (low < high) {
    const mid = (low + high) >>> 1;

    if (newerFirst(list[mid], attempt) <= 0) low = mid + 1;
    else high = mid;
  }

  return low;
}

export class MemoryCatalog implements CatalogStore {
  private readonly categories = new Map<number, Category>();
  private readonly users = new Map<string, User>();
  private readonly histories = new Map<string, UserHistory>();
  /** Listings without a search, by includeInactive; reset on upsert. */
  private listings = new Map<boolean, Category[]>();

  constructor(private readonly publish: Publish) {}

  // Stored categories are frozen, so listings can share them without
  // copying: this is the hottest read of the API.
  async listCategories(query: CategoryQuery): Promise<Category[]> {
    const listed = this.listing(query.includeInactive);
    const needle = query.search?.toLowerCase();

    return needle ? listed.filter((c) => matches(c, needle)) : listed;
  }

  async getCategory(categoryId: number): Promise<Category | null> {
    return this.categories.get(categoryId) ?? null;
  }

  async getUser(userId: string): Promise<User | null> {
    const found = this.users.get(userId);

    return found ? { ...found } : null;
  }

  async readProgress(
    userId: string,
    query: ProgressQuery,
  ): Promise<ProgressData> {
    const history = this.histories.get(userId);

    if (!history) return { attempts: [], tallies: [] };

    const since = query.fromUtc?.getTime();
    const window = since === undefined
      ? history.attempts
      : history.attempts.filter((a) => a.completedAt.getTime() >= since);
    const shown = query.recent ? window.slice(0, query.recent) : window;

    return {
      attempts: shown.map((a) => this.view(a)),
      tallies: since === undefined
        ? this.talliesFromTotals(history.totals)
        : this.talliesFromAttempts(window),
    };
  }

  async upsertCategory(category: Category): Promise<void> {
    this.categories.set(category.categoryId, Object.freeze({ ...category }));
    this.listings.clear();
  }

  async upsertUser(user: User): Promise<void> {
    this.users.set(user.userId, { ...user });
  }

  async recordAttempt(
    attempt: AttemptRecord,
    event: WebhookEvent,
  ): Promise<void> {
    if (!this.users.has(attempt.userId)) {
      throw new UnknownReferenceError('userId');
    }
    if (!this.categories.has(attempt.categoryId)) {
      throw new UnknownReferenceError('categoryId');
    }

    this.addToHistory({ ...attempt });
    this.publish(event);
  }

  private addToHistory(attempt: AttemptRecord): void {
    const history = this.historyOf(attempt.userId);
    const index = insertionIndex(history.attempts, attempt);
    const total = history.totals.get(attempt.categoryId) ?? [0, 0];

    history.attempts.splice(index, 0, attempt);
    history.totals.set(attempt.categoryId, [
      total[0] + 1,
      total[1] + percentOf(attempt),
    ]);
  }

  private historyOf(userId: string): UserHistory {
    let history = this.histories.get(userId);

    if (!history) {
      history = { attempts: [], totals: new Map() };
      this.histories.set(userId, history);
    }

    return history;
  }

  private listing(includeInactive: boolean): Category[] {
    let listed = this.listings.get(includeInactive);

    if (!listed) {
      listed = Object.freeze([...this.categories.values()]
        .filter((c) => includeInactive || c.isActive)
        .sort(byName)) as Category[];
      this.listings.set(includeInactive, listed);
    }

    return listed;
  }

  private categoryName(categoryId: number): string {
    return this.categories.get(categoryId)?.name ?? '';
  }

  private view(attempt: AttemptRecord): AttemptView {
    return { ...attempt, categoryName: this.categoryName(attempt.categoryId) };
  }

  private talliesFromTotals(
    totals: Map<number, [number, number]>,
  ): CategoryTally[] {
    return [...totals.entries()]
      .sort(([a], [b]) => a - b)
      .map(([categoryId, [attempts, percentSum]]) => ({
        categoryId,
        categoryName: this.categoryName(categoryId),
        attempts,
        percentSum,
      }));
  }

  private talliesFromAttempts(attempts: AttemptRecord[]): CategoryTally[] {
    const totals = new Map<number, [number, number]>();

    for (const attempt of attempts) {
      const total = totals.get(attempt.categoryId) ?? [0, 0];

      totals.set(attempt.categoryId, [
        total[0] + 1,
        total[1] + percentOf(attempt),
      ]);
    }

    return this.talliesFromTotals(totals);
  }
}

function matches(category: Category, needle: string): boolean {
  return (
    category.name.toLowerCase().includes(needle) ||
    category.code.toLowerCase().includes(needle)
  );
}
