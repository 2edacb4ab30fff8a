/**
 * Webhook subscriptions. One unique index on (owner, url, events) decides
 * what a duplicate is, for inserts and updates alike; its violation becomes
 * DuplicateSubscriptionError in the error mapping.
 */
import type {
  Subscription,
  SubscriptionPatch,
} from '../../src/storage/index.js';
import {
  execute,
  select,
  type Binding,
  type Db,
  type Queryable,
} from './db.js';
import type { Names } from './names.js';
import {
  normalizeEvents,
  secretsJson,
  SUBSCRIPTION_COLUMNS,
  toSubscription,
  type SubscriptionRow,
} from './rows.js';

/** The subscriptions with these ids, in one statement. */
export async function subscriptionsById(
  q: Queryable,
  names: Names,
  webhookIds: readonly string[],
): Promise<Map<string, Subscription>> {
  const rows = await select<SubscriptionRow>(q, `
    select ${SUBSCRIPTION_COLUMNS} from ${names.table.subscriptions}
     where webhook_id = any (?::text[])`, [[...new Set(webhookIds)]]);

  return new Map(rows.map((row) => [row.webhook_id, toSubscription(row)]));
}

/** `column = ?` assignments for the fields the patch sets. */
function patchAssignments(patch: SubscriptionPatch): {
  sets: string[];
  bindings: Binding[];
} {
  const sets: string[] = [];
  const bindings: Binding[] = [];
  const set = (column: string, value: Binding, cast = '') => {
    sets.push(`${column} = ?${cast}`);
    bindings.push(value);
  };

  if (patch.isActive !== undefined) set('is_active', patch.isActive);
  if (patch.events !== undefined) {
    set('events', normalizeEvents(patch.events), '::text[]');
  }
  if (patch.description !== undefined) set('description', patch.description);
  if (patch.secrets !== undefined) {
    set('secrets', secretsJson(patch.secrets), '::jsonb');
  }
  if (patch.disabledReason !== undefined) {
    set('disabled_reason', patch.disabledReason);
  }
  if (patch.failingSince !== undefined) {
    set('failing_since', patch.failingSince, '::timestamptz');
  }

  return { sets, bindings };
}

/** The subscription half of the webhook store. */
export class PostgresSubscriptions {
  constructor(protected readonly db: Db) {}

  protected get t(): Names['table'] {
    return this.db.names.table;
  }

  async createSubscription(subscription: Subscription): Promise<void> {
    await this.db.run((q) => execute(q, `
      insert into ${this.t.subscriptions} (${SUBSCRIPTION_COLUMNS})
      values (?, ?, ?, ?::text[], ?, ?, ?, ?::jsonb, ?, ?)`,
    [
      subscription.webhookId,
      subscription.ownerUserId,
      subscription.url,
      normalizeEvents(subscription.events),
      subscription.description,
      subscription.isActive,
      subscription.createdAt,
      secretsJson(subscription.secrets),
      subscription.failingSince,
      subscription.disabledReason,
    ]));
  }

  /** Oldest first. `null` lists the master key's subscriptions. */
  async listSubscriptions(
    ownerUserId?: string | null,
  ): Promise<Subscription[]> {
    const where = ownerUserId === undefined
      ? ''
      : ownerUserId === null
        ? 'where owner_user_id is null'
        : 'where owner_user_id = ?';
    const bindings = typeof ownerUserId === 'string' ? [ownerUserId] : [];
    const rows = await this.db.run((q) => select<SubscriptionRow>(q, `
      select ${SUBSCRIPTION_COLUMNS} from ${this.t.subscriptions} ${where}
       order by created_at, webhook_id`, bindings));

    return rows.map(toSubscription);
  }

  async getSubscription(webhookId: string): Promise<Subscription | null> {
    const found = await this.db.run((q) =>
      subscriptionsById(q, this.db.names, [webhookId]));

    return found.get(webhookId) ?? null;
  }

  async updateSubscription(
    webhookId: string,
    patch: SubscriptionPatch,
  ): Promise<Subscription | null> {
    const { sets, bindings } = patchAssignments(patch);

    if (sets.length === 0) return this.getSubscription(webhookId);

    const [row] = await this.db.run((q) => select<SubscriptionRow>(q, `
      update ${this.t.subscriptions} set ${sets.join(', ')}
       where webhook_id = ?
      returning ${SUBSCRIPTION_COLUMNS}`, [...bindings, webhookId]));

    return row ? toSubscription(row) : null;
  }

  /** Its deliveries and their attempt logs go with it (on delete cascade). */
  async deleteSubscription(webhookId: string): Promise<boolean> {
    const removed = await this.db.run((q) => execute(q, `
      delete from ${this.t.subscriptions} where webhook_id = ?`,
    [webhookId]));

    return removed > 0;
  }
}
