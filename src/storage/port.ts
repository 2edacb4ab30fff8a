/**
 * The storage port: what the services need from a database. Every adapter
 * (in-memory, PostgreSQL, or a host's own) implements these interfaces and
 * passes the shared contract suite in `test/contract`.
 *
 * The read side of the catalog (categories, users, attempts) is its own
 * interface so a host can serve it from the tables it already has, while
 * keys, assignments and webhooks stay in a provided adapter.
 */
import type {
  ApiKeyRecord,
  Assignment,
  AttemptOutcome,
  AttemptRecord,
  Category,
  CategoryQuery,
  ClaimRequest,
  Delivery,
  DeliveryClaim,
  DeliveryCursor,
  KeyUse,
  ProgressData,
  ProgressQuery,
  Subscription,
  SubscriptionPatch,
  User,
  WebhookEvent,
} from './records.js';

/** Read side of the catalog; a host may implement it over its own tables. */
export interface CatalogReader {
  /** Ordered by name, then categoryId. */
  listCategories(query: CategoryQuery): Promise<Category[]>;
  getCategory(categoryId: number): Promise<Category | null>;
  getUser(userId: string): Promise<User | null>;
  /** The user's attempts and per-category tallies; see ProgressQuery. */
  readProgress(userId: string, query: ProgressQuery): Promise<ProgressData>;
}

/** Write side of the catalog, used by `lms.categories`, `lms.users`, `lms.attempts`. */
export interface CatalogWriter {
  upsertCategory(category: Category): Promise<void>;
  upsertUser(user: User): Promise<void>;
  /**
   * Stores the attempt and publishes `event` to the outbox in one write.
   * Throws UnknownReferenceError when the user or category does not exist.
   */
  recordAttempt(attempt: AttemptRecord, event: WebhookEvent): Promise<void>;
}

export type CatalogStore = CatalogReader & CatalogWriter;

export interface KeyStore {
  createKey(key: ApiKeyRecord): Promise<void>;
  findKeyByDigest(digest: string): Promise<ApiKeyRecord | null>;
  /** Ordered by createdAt, then keyId. */
  listKeys(userId: string): Promise<ApiKeyRecord[]>;
  /** False when no key has that id. */
  deactivateKey(keyId: string): Promise<boolean>;
  /** Batched lastUsedAt updates; never moves a timestamp backwards. */
  touchKeys(uses: KeyUse[]): Promise<void>;
}

export interface AssignmentStore {
  /** Stores the assignment and publishes `event` to the outbox in one write. */
  createAssignment(assignment: Assignment, event: WebhookEvent): Promise<void>;
  getAssignment(assignmentId: string): Promise<Assignment | null>;
}

export interface WebhookStore {
  /** Throws DuplicateSubscriptionError for the same owner, URL and event set. */
  createSubscription(subscription: Subscription): Promise<void>;
  /** `undefined` lists every subscription; otherwise those of that owner. */
  listSubscriptions(ownerUserId?: string | null): Promise<Subscription[]>;
  getSubscription(webhookId: string): Promise<Subscription | null>;
  /** Null when unknown. Throws DuplicateSubscriptionError like create. */
  updateSubscription(
    webhookId: string,
    patch: SubscriptionPatch,
  ): Promise<Subscription | null>;
  /** Removes the subscription and its deliveries. False when unknown. */
  deleteSubscription(webhookId: string): Promise<boolean>;

  /**
   * Stores the event with one pending delivery (due at `event.timestamp`)
   * for every active subscription that asked for its type and may see its
   * user. Returns the deliveries created.
   */
  publishEvent(event: WebhookEvent): Promise<Delivery[]>;
  /** Stores the event with one delivery to that subscription only, claimed. */
  createDirectDelivery(
    event: WebhookEvent,
    webhookId: string,
    leaseUntil: Date,
  ): Promise<DeliveryClaim>;
  /**
   * Marks up to `limit` due deliveries as `delivering` until `leaseUntil`
   * and returns them, oldest due first. Due: pending with nextAttemptAt at
   * or before `now`, or delivering with an expired lease. Safe to call from
   * several processes at once: a delivery goes to one claimer.
   */
  claimDueDeliveries(request: ClaimRequest): Promise<DeliveryClaim[]>;
  /**
   * Logs the attempt and moves the delivery on: succeeded, failed when
   * nextAttemptAt is null, else pending until nextAttemptAt. Updates the
   * subscription's failingSince. Returns the subscription after the update.
   */
  recordAttempt(outcome: AttemptOutcome): Promise<Subscription | null>;
  /** Newest first, strictly after `after` when given. */
  listDeliveries(
    webhookId: string,
    page: { limit: number; after?: DeliveryCursor },
  ): Promise<Delivery[]>;
  getDelivery(deliveryId: string): Promise<Delivery | null>;
  /** A new pending delivery of the same event to the same subscription. */
  redeliver(
    deliveryId: string,
    newDeliveryId: string,
    now: Date,
  ): Promise<Delivery | null>;
}

/** Everything the API needs, as one adapter provides it. */
export interface LmsStorage {
  catalog: CatalogStore;
  keys: KeyStore;
  assignments: AssignmentStore;
  webhooks: WebhookStore;
  /** Creates or upgrades the schema; a no-op where there is none. */
  migrate(): Promise<void>;
  /** Releases what the adapter opened (never a connection it was handed). */
  close(): Promise<void>;
}
