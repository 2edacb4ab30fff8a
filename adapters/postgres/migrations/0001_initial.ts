/**
 * The first schema: catalog, keys, assignments and the webhook outbox.
 *
 * Text ids that listings order by use the "C" collation, so ties break in
 * code-unit order whatever the database's locale, as the in-memory adapter
 * breaks them. Assignments, keys and subscriptions carry no foreign key to
 * users or categories: a host may keep those in its own tables.
 */
import type { Knex } from 'knex';

import type { Names } from '../names.js';

function catalogTables({ table: t, ident }: Names): string[] {
  return [
    `create table ${t.categories} (
      category_id integer primary key,
      name text not null,
      code text not null,
      description text not null,
      question_count integer not null,
      is_active boolean not null
    )`,
    `create index ${ident('categories_by_name')}
      on ${t.categories} (name collate "C", category_id)`,
    `create table ${t.users} (
      user_id text primary key,
      full_name text not null,
      email text not null
    )`,
  ];
}

/** Attempts, and the running per-category totals kept beside them. */
function attemptTables({ table: t, ident }: Names): string[] {
  return [
    `create table ${t.attempts} (
      attempt_id text collate "C" primary key,
      user_id text not null constraint ${ident('attempts_user_fk')}
        references ${t.users} (user_id),
      category_id integer not null constraint ${ident('attempts_category_fk')}
        references ${t.categories} (category_id),
      correct integer not null check (correct >= 0),
      total integer not null check (total > 0),
      source text not null,
      completed_at timestamptz not null
    )`,
    `create index ${ident('attempts_by_user')} on ${t.attempts}
      (user_id, completed_at desc, attempt_id desc)`,
    `create table ${t.categoryTotals} (
      user_id text not null references ${t.users} (user_id),
      category_id integer not null references ${t.categories} (category_id),
      attempts integer not null,
      percent_sum double precision not null,
      primary key (user_id, category_id)
    )`,
  ];
}

function keyAndAssignmentTables({ table: t, ident }: Names): string[] {
  return [
    `create table ${t.apiKeys} (
      key_id text collate "C" primary key,
      user_id text not null,
      name text not null,
      permission text not null
        check (permission in ('ReadOnly', 'ReadWrite', 'Admin')),
      is_active boolean not null,
      created_at timestamptz not null,
      last_used_at timestamptz,
      expires_at timestamptz,
      digest text not null constraint ${ident('api_keys_digest')} unique
    )`,
    `create index ${ident('api_keys_by_user')}
      on ${t.apiKeys} (user_id, created_at, key_id)`,
    `create table ${t.assignments} (
      assignment_id text primary key,
      user_id text not null,
      category_id integer not null,
      due_at timestamptz,
      note text,
      created_at timestamptz not null
    )`,
  ];
}

function subscriptionTables({ table: t, ident }: Names): string[] {
  return [
    `create table ${t.subscriptions} (
      webhook_id text collate "C" primary key,
      owner_user_id text,
      url text not null,
      events text[] not null,
      description text,
      is_active boolean not null,
      created_at timestamptz not null,
      secrets jsonb not null,
      failing_since timestamptz,
      disabled_reason text
    )`,
    // Master-key subscriptions (no owner) share one identity space.
    `create unique index ${ident('subscriptions_identity')}
      on ${t.subscriptions} ((coalesce(owner_user_id, '')), url, events)`,
    `create index ${ident('subscriptions_by_owner')}
      on ${t.subscriptions} (owner_user_id, created_at, webhook_id)`,
    `create table ${t.events} (
      event_id text primary key,
      type text not null,
      user_id text,
      occurred_at timestamptz not null,
      data json
    )`,
  ];
}

function deliveryTables({ table: t, ident }: Names): string[] {
  return [
    `create table ${t.deliveries} (
      delivery_id text collate "C" primary key,
      webhook_id text not null constraint ${ident('deliveries_webhook_fk')}
        references ${t.subscriptions} (webhook_id) on delete cascade,
      event_id text not null references ${t.events} (event_id),
      status text not null
        check (status in ('pending', 'delivering', 'succeeded', 'failed')),
      attempts integer not null default 0,
      next_attempt_at timestamptz,
      lease_until timestamptz,
      last_attempt_at timestamptz,
      last_status_code integer,
      last_error text,
      last_response_body text,
      created_at timestamptz not null
    )`,
    // The two halves of "due": waiting deliveries and expired leases.
    `create index ${ident('deliveries_due')}
      on ${t.deliveries} (next_attempt_at) where status = 'pending'`,
    `create index ${ident('deliveries_leased')}
      on ${t.deliveries} (lease_until) where status = 'delivering'`,
    `create index ${ident('deliveries_by_webhook')} on ${t.deliveries}
      (webhook_id, created_at desc, delivery_id desc)`,
    `create table ${t.deliveryAttempts} (
      attempt_no bigint generated always as identity primary key,
      delivery_id text not null references ${t.deliveries} (delivery_id)
        on delete cascade,
      attempted_at timestamptz not null,
      duration_ms integer not null,
      status_code integer,
      error text,
      response_body text
    )`,
    `create index ${ident('delivery_attempts_by_delivery')}
      on ${t.deliveryAttempts} (delivery_id, attempted_at)`,
  ];
}

/** Recorded in the migrations table. */
export const name = '0001_initial';

/** Creates every table and index of the first release. */
export async function up(knex: Knex, names: Names): Promise<void> {
  const statements = [
    ...catalogTables(names),
    ...attemptTables(names),
    ...keyAndAssignmentTables(names),
    ...subscriptionTables(names),
    ...deliveryTables(names),
  ];

  for (const sql of statements) await knex.raw(sql);
}

/** Drops what `up` created, dependents first. */
export async function down(knex: Knex, names: Names): Promise<void> {
  const { table: t } = names;
  const newestFirst = [
    t.deliveryAttempts, t.deliveries, t.events, t.subscriptions,
    t.assignments, t.apiKeys, t.categoryTotals, t.attempts, t.users,
    t.categories,
  ];

  for (const table of newestFirst) await knex.raw(`drop table ${table}`);
}
