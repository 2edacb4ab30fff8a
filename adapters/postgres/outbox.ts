/**
 * The transactional outbox: an event row and one delivery per interested
 * subscription, written by the same transaction as the change they report.
 * A worker then finds the deliveries with `claimDueDeliveries`.
 */
import type { Delivery, WebhookEvent } from '../../src/storage/index.js';
import { select, type Queryable } from './db.js';
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
 * One pending delivery, due at the event's timestamp, for every active
 * subscription that asked for the type and may see the event's user.
 */
async function fanOut(
  q: Queryable,
  names: Names,
  event: WebhookEvent,
): Promise<Delivery[]> {
  const { table: t } = names;
  const rows = await select<DeliveryRow>(q, `
    insert into ${t.deliveries} as d
      (delivery_id, webhook_id, event_id, status, attempts,
       next_attempt_at, created_at)
    select ${NEW_DELIVERY_ID}, s.webhook_id, ?, 'pending', 0, ?, ?
      from ${t.subscriptions} s
     where s.is_active
       and ? = any (s.events)
       and (s.owner_user_id is null or s.owner_user_id = ?)
    returning ${deliveryColumns('d')}, ?::text as event_type`,
  [
    event.eventId,
    event.timestamp,
    event.timestamp,
    event.type,
    event.userId,
    event.type,
  ]);

  return rows.map(toDelivery);
}

/** Writes the event and its deliveries, in the caller's transaction. */
export async function publish(
  q: Queryable,
  names: Names,
  event: WebhookEvent,
): Promise<Delivery[]> {
  await insertEvent(q, names, event);

  return fanOut(q, names, event);
}
