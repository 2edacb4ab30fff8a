/**
 * The transactional outbox: an event row and one delivery per interested
 * subscription, written by the same transaction as the change they report.
 * A worker then finds the deliveries with `claimDueDeliveries`.
 */
import type { Delivery, WebhookEvent } from '../../src/storage/index.js';
import { select, type Binding, type Queryable } from './db.js';
import type { Names } from './names.js';
import {
  deliveryColumns,
  EVENT_COLUMNS,
  toDelivery,
  toEvent,
  type DeliveryRow,
  type EventRow,
} from './rows.js';

/** SQL for a fresh delivery id, in the format the memory adapter uses. */
export const NEW_DELIVERY_ID =
  "'dlv_' || replace(gen_random_uuid()::text, '-', '')";

/** Stores the event and returns it as the database now holds it. */
export async function insertEvent(
  q: Queryable,
  names: Names,
  event: WebhookEvent,
): Promise<WebhookEvent> {
  const [row] = await select<EventRow>(q, `
    insert into ${names.table.events}
      (event_id, type, user_id, occurred_at, data)
    values (?, ?, ?, ?, ?::json)
    returning ${EVENT_COLUMNS}`,
  [
    event.eventId,
    event.type,
    event.userId,
    event.timestamp,
    JSON.stringify(event.data ?? null),
  ]);

  return toEvent(row);
}

/**
 * Data-modifying CTEs for the change an event reports, run by the same
 * statement as the outbox write, so one statement commits both.
 */
export interface Change {
  /** `name as (insert ...)` clauses; they run whether referenced or not. */
  ctes: readonly string[];
  /** Their bindings, in the order of their placeholders. */
  bindings: readonly Binding[];
}

const NO_CHANGE: Change = { ctes: [], bindings: [] };

/**
 * The event row, then one pending delivery, due at the event's timestamp,
 * for every active subscription that asked for the type and may see the
 * event's user. The deliveries read the event's values from its CTE.
 */
function publishSql({ table: t }: Names, change: Change): string {
  const event = `event as (
      insert into ${t.events} (event_id, type, user_id, occurred_at, data)
      values (?, ?, ?, ?, ?::json)
      returning event_id, type, user_id, occurred_at)`;

  return `
    with ${[...change.ctes, event].join(',\n')}
    insert into ${t.deliveries} as d
      (delivery_id, webhook_id, event_id, status, attempts,
       next_attempt_at, created_at)
    select ${NEW_DELIVERY_ID}, s.webhook_id, e.event_id, 'pending', 0,
           e.occurred_at, e.occurred_at
      from event e
      join ${t.subscriptions} s
        on s.is_active
       and e.type = any (s.events)
       and (s.owner_user_id is null or s.owner_user_id = e.user_id)
    returning ${deliveryColumns('d')}, ?::text as event_type`;
}

function publishBindings(event: WebhookEvent): Binding[] {
  return [
    event.eventId,
    event.type,
    event.userId,
    event.timestamp,
    JSON.stringify(event.data ?? null),
    event.type,
  ];
}

/**
 * Writes `change`, the event and its deliveries in one statement, which
 * is atomic on its own: callers need no transaction around it.
 */
export async function publish(
  q: Queryable,
  names: Names,
  event: WebhookEvent,
  change: Change = NO_CHANGE,
): Promise<Delivery[]> {
  const rows = await select<DeliveryRow>(q, publishSql(names, change),
    [...change.bindings, ...publishBindings(event)]);

  return rows.map(toDelivery);
}
