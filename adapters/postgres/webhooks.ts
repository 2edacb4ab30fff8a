/**
 * The delivery half of the webhook store: publishing, claiming, recording
 * attempts and listing. Claims lock rows with SKIP LOCKED, so any number
 * of workers can poll the same tables and a delivery goes to one of them.
 */
import type {
  AttemptOutcome,
  ClaimRequest,
  Delivery,
  DeliveryClaim,
  DeliveryCursor,
  DeliveryStatus,
  Subscription,
  WebhookEvent,
  WebhookStore,
} from '../../src/storage/index.js';
import { select, trace, type Binding, type Queryable } from './db.js';
import { insertEvent, NEW_DELIVERY_ID, publish } from './outbox.js';
import {
  deliveryColumns,
  SUBSCRIPTION_COLUMNS,
  toDate,
  toDelivery,
  toEvent,
  toSubscription,
  type DeliveryRow,
  type EventRow,
  type SubscriptionRow,
} from './rows.js';
import { PostgresSubscriptions, subscriptionsById } from './subscriptions.js';

/**
 * A claimed delivery with its event and, as json (timestamps as text),
 * its subscription, as the claim statement returns it.
 */
type ClaimedRow = DeliveryRow & Omit<EventRow, 'type'> & {
  due_at: Date | string;
  subscription: SubscriptionRow;
};

function statusAfter(outcome: AttemptOutcome): DeliveryStatus {
  if (outcome.succeeded) return 'succeeded';

  return outcome.nextAttemptAt ? 'pending' : 'failed';
}

/**
 * failingSince after the attempt, as SQL over the row `s`: a success heals
 * the subscription; a failure keeps the first failure's time.
 */
function failingSinceSql(outcome: AttemptOutcome): string {
  return outcome.succeeded
    ? 'null::timestamptz'
    : 'coalesce(s.failing_since, ?::timestamptz)';
}

/** Bindings in the order `recordAttemptSql` places its placeholders. */
function recordAttemptBindings(outcome: AttemptOutcome): Binding[] {
  const next = outcome.succeeded ? [] : [outcome.attemptedAt];
  const response = [outcome.statusCode, outcome.error, outcome.responseBody];

  return [
    statusAfter(outcome),
    outcome.succeeded ? null : outcome.nextAttemptAt,
    outcome.attemptedAt,
    ...response,
    outcome.deliveryId,
    outcome.attemptedAt,
    Math.round(outcome.durationMs),
    ...response,
    // `next` appears twice in healed and once in the final select.
    ...next, ...next, ...next,
  ];
}

/** Subscription columns of `alias`, with failingSince replaced by `next`. */
function subscriptionColumns(alias: string, next: string): string {
  return SUBSCRIPTION_COLUMNS.split(', ')
    .map((column) => column === 'failing_since'
      ? `${next} as failing_since`
      : `${alias}.${column}`)
    .join(', ');
}

/** Oldest due first; ids break ties so the order is total. */
function byDueTime(a: ClaimedRow, b: ClaimedRow): number {
  const diff = toDate(a.due_at).getTime() - toDate(b.due_at).getTime();

  if (diff !== 0) return diff;

  return a.delivery_id < b.delivery_id ? -1 : 1;
}

function toClaim(row: ClaimedRow): DeliveryClaim {
  return {
    delivery: toDelivery(row),
    event: toEvent({ ...row, type: row.event_type }),
    subscription: toSubscription(row.subscription),
  };
}

/** WebhookStore on PostgreSQL: subscriptions plus the outbox. */
export class PostgresWebhooks
  extends PostgresSubscriptions
  implements WebhookStore {
  async publishEvent(event: WebhookEvent): Promise<Delivery[]> {
    return this.db.run((q) => publish(q, this.db.names, event));
  }

  async createDirectDelivery(
    event: WebhookEvent,
    webhookId: string,
    leaseUntil: Date,
  ): Promise<DeliveryClaim> {
    return this.db.transaction(async (trx) => {
      const found = await subscriptionsById(trx, this.db.names, [webhookId]);
      const subscription = found.get(webhookId);

      if (!subscription) throw new Error('Unknown webhook.');

      const stored = await insertEvent(trx, this.db.names, event);
      const [row] = await select<DeliveryRow>(trx, `
        insert into ${this.t.deliveries} as d
          (delivery_id, webhook_id, event_id, status, attempts,
           lease_until, created_at)
        values (${NEW_DELIVERY_ID}, ?, ?, 'delivering', 0, ?, ?)
        returning ${deliveryColumns('d')}, ?::text as event_type`,
      [webhookId, event.eventId, leaseUntil, event.timestamp, event.type]);

      return { delivery: toDelivery(row), event: stored, subscription };
    });
  }

  /**
   * One statement claims the rows and returns them with their events and
   * subscriptions. The MATERIALIZED CTE runs the locking select exactly
   * once, whatever plan the update gets.
   */
  async claimDueDeliveries(request: ClaimRequest): Promise<DeliveryClaim[]> {
    const rows = await this.db.run((q) => this.claimRows(q, request));

    trace('claimed %d deliveries', rows.length);

    return rows.sort(byDueTime).map(toClaim);
  }

  /**
   * Attempt log, delivery and subscription health move in one statement,
   * atomic on its own. The subscription row is written only when its
   * failingSince changes, so successes to a healthy webhook do not queue
   * on its row lock.
   */
  async recordAttempt(outcome: AttemptOutcome): Promise<Subscription | null> {
    const [row] = await this.db.run((q) => select<SubscriptionRow>(q,
      this.recordAttemptSql(outcome), recordAttemptBindings(outcome)));

    return row ? toSubscription(row) : null;
  }

  /** Keyset pagination on (created_at, delivery_id), newest first. */
  async listDeliveries(
    webhookId: string,
    page: { limit: number; after?: DeliveryCursor },
  ): Promise<Delivery[]> {
    const { after } = page;
    const before = after
      ? 'and (d.created_at, d.delivery_id) < (?::timestamptz, ?)'
      : '';
    const bindings: Binding[] = after
      ? [webhookId, after.createdAt, after.deliveryId, page.limit]
      : [webhookId, page.limit];
    const rows = await this.db.run((q) => select<DeliveryRow>(q, `
      select ${deliveryColumns('d')}, e.type as event_type
        from ${this.t.deliveries} d
        join ${this.t.events} e on e.event_id = d.event_id
       where d.webhook_id = ? ${before}
       order by d.created_at desc, d.delivery_id desc
       limit ?`, bindings));

    return rows.map(toDelivery);
  }

  async getDelivery(deliveryId: string): Promise<Delivery | null> {
    const [row] = await this.db.run((q) => select<DeliveryRow>(q, `
      select ${deliveryColumns('d')}, e.type as event_type
        from ${this.t.deliveries} d
        join ${this.t.events} e on e.event_id = d.event_id
       where d.delivery_id = ?`, [deliveryId]));

    return row ? toDelivery(row) : null;
  }

  /** A new pending delivery, due `now`, of the same event and webhook. */
  async redeliver(
    deliveryId: string,
    newDeliveryId: string,
    now: Date,
  ): Promise<Delivery | null> {
    const [row] = await this.db.run((q) => select<DeliveryRow>(q, `
      with copy as (
        insert into ${this.t.deliveries} as d
          (delivery_id, webhook_id, event_id, status, attempts,
           next_attempt_at, created_at)
        select ?, webhook_id, event_id, 'pending', 0, ?, ?
          from ${this.t.deliveries}
         where delivery_id = ?
        returning ${deliveryColumns('d')}
      )
      select copy.*, e.type as event_type
        from copy join ${this.t.events} e on e.event_id = copy.event_id`,
    [newDeliveryId, now, now, deliveryId]));

    return row ? toDelivery(row) : null;
  }

  private async claimRows(
    q: Queryable,
    request: ClaimRequest,
  ): Promise<ClaimedRow[]> {
    const { now, limit, leaseUntil } = request;

    return select<ClaimedRow>(q, `
      with due as materialized (
        select delivery_id,
               coalesce(next_attempt_at, lease_until) as due_at
          from ${this.t.deliveries}
         where (status = 'pending' and next_attempt_at <= ?)
            or (status = 'delivering' and lease_until <= ?)
         order by due_at, delivery_id
         limit ?
           for update skip locked
      )
      update ${this.t.deliveries} d
         set status = 'delivering', lease_until = ?
        from due, ${this.t.events} e, ${this.t.subscriptions} s
       where d.delivery_id = due.delivery_id and e.event_id = d.event_id
         and s.webhook_id = d.webhook_id
      returning ${deliveryColumns('d')}, due.due_at,
                e.type as event_type, e.user_id, e.occurred_at, e.data,
                to_json(s) as subscription`,
    [now, now, limit, leaseUntil]);
  }

  /**
   * `moved` advances the delivery, `logged` appends the attempt and
   * `healed` sets failingSince where it differs. The final select reads
   * the statement's snapshot, so it applies the same new value itself
   * rather than depend on whether `healed` wrote the row.
   */
  private recordAttemptSql(outcome: AttemptOutcome): string {
    const next = failingSinceSql(outcome);

    return `
      with moved as (
        update ${this.t.deliveries}
           set attempts = attempts + 1,
               status = ?,
               next_attempt_at = ?,
               lease_until = null,
               last_attempt_at = ?,
               last_status_code = ?,
               last_error = ?,
               last_response_body = ?
         where delivery_id = ?
        returning delivery_id, webhook_id
      ), logged as (
        insert into ${this.t.deliveryAttempts}
          (delivery_id, attempted_at, duration_ms, status_code, error,
           response_body)
        select delivery_id, ?::timestamptz, ?::integer, ?::integer,
               ?::text, ?::text
          from moved
      ), healed as (
        update ${this.t.subscriptions} s set failing_since = ${next}
          from moved
         where s.webhook_id = moved.webhook_id
           and s.failing_since is distinct from ${next}
      )
      select ${subscriptionColumns('s', next)}
        from ${this.t.subscriptions} s
        join moved on moved.webhook_id = s.webhook_id`;
  }
}
