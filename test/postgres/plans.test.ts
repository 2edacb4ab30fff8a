/**
 * Query plans on realistic volumes: the statements the adapter sends are
 * captured from knex's `query` event and explained on a second connection.
 */
import assert from 'node:assert/strict';

import type { Knex } from 'knex';
import pg from 'pg';
import { suite } from 'uvu';

import type { PostgresStorage } from '../../adapters/postgres/index.js';
import {
  createTestStorage,
  DATABASE_URL,
  describePostgres,
  type TestStorage,
} from '../support/postgres.js';

interface Captured {
  sql: string;
  bindings: unknown[];
}

interface Context {
  made: TestStorage;
  explainer: pg.Client;
}

/** Records every statement `storage` sends while `action` runs. */
async function capture(
  storage: PostgresStorage,
  action: () => Promise<unknown>,
): Promise<Captured[]> {
  const seen: Captured[] = [];
  const listener = (query: Captured) => {
    seen.push({ sql: query.sql, bindings: query.bindings });
  };

  storage.knex.on('query', listener);
  try {
    await action();
  } finally {
    storage.knex.off('query', listener);
  }

  return seen;
}

async function explain(client: pg.Client, query: Captured): Promise<string> {
  const result = await client.query(`explain ${query.sql}`, query.bindings);

  return result.rows.map((row) => row['QUERY PLAN']).join('\n');
}

/** 5,000 attempts for u1 (and 100 for u2) across ten categories. */
async function seedHistory(knex: Knex, t: PostgresStorage['tables']) {
  await knex.raw(`insert into ${t.users} values
    ('u1', 'Jane', 'j@x.io'), ('u2', 'Max', 'm@x.io')`);
  await knex.raw(`insert into ${t.categories}
    select g, 'Category ' || g, 'C' || g, '', 50, true
      from generate_series(1, 10) g`);
  await knex.raw(`insert into ${t.attempts}
    select 'att_' || g, case when g % 51 = 0 then 'u2' else 'u1' end,
           1 + g % 10, g % 21, 20, 'practice',
           timestamptz '2026-01-01' + g * interval '1 minute'
      from generate_series(1, 5100) g`);
  await knex.raw(`insert into ${t.categoryTotals}
    select user_id, category_id, count(*),
           sum(correct::double precision / total * 100)
      from ${t.attempts} group by user_id, category_id`);
}

/** 5,000 deliveries to one webhook, a few of them due. */
async function seedDeliveries(knex: Knex, t: PostgresStorage['tables']) {
  await knex.raw(`insert into ${t.subscriptions}
    select 'wh_' || g, 'u1', 'https://x.io/' || g, '{attempt.completed}',
           null, true, now(), '[]', null, null
      from generate_series(1, 20) g`);
  await knex.raw(`insert into ${t.events}
    select 'evt_' || g, 'attempt.completed', 'u1',
           timestamptz '2026-01-01' + g * interval '1 second', '{}'
      from generate_series(1, 5000) g`);
  await knex.raw(`insert into ${t.deliveries}
      (delivery_id, webhook_id, event_id, status, attempts,
       next_attempt_at, created_at)
    select 'dlv_' || g, 'wh_' || (1 + g % 20), 'evt_' || g,
           case when g % 500 = 0 then 'pending' else 'succeeded' end, 1,
           case when g % 500 = 0 then timestamptz '2026-01-01' end,
           timestamptz '2026-01-01' + g * interval '1 second'
      from generate_series(1, 5000) g`);
}

/**
 * The progress statement's plan cut into its two subplans: the attempts
 * come first in the select list, so InitPlan 1 reads them and InitPlan 2
 * the tallies.
 */
function progressParts(plan: string): { attempts: string; tallies: string } {
  const [attempts, tallies] = plan.split(/^\s*InitPlan 2\b/m);

  assert.ok(tallies, `expected two subplans in:\n${plan}`);

  return { attempts, tallies };
}

async function analyze(knex: Knex, tables: string[]): Promise<void> {
  for (const table of tables) await knex.raw(`analyze ${table}`);
}

await describePostgres(() => {
  const test = suite<Context>('postgres: query plans', {
    made: null as unknown as TestStorage,
    explainer: null as unknown as pg.Client,
  });

  test.before.each(async (context) => {
    context.made = await createTestStorage();
    context.explainer = new pg.Client(DATABASE_URL);
    await context.explainer.connect();
  });
  test.after.each(async (context) => {
    await context.explainer.end();
    await context.made.teardown();
  });

  test('progress reads the index and the running totals', async (c) => {
    const { storage } = c.made;
    const t = storage.tables;

    await seedHistory(storage.knex, t);
    await analyze(storage.knex, [t.attempts, t.categoryTotals, t.categories]);

    const queries = await capture(storage, () =>
      storage.catalog.readProgress('u1', { recent: 10 }));
    assert.equal(queries.length, 1, 'both result sets in one statement');

    const { attempts, tallies } = progressParts(
      await explain(c.explainer, queries[0]));

    assert.doesNotMatch(attempts, /Seq Scan on lms_attempts/);
    assert.match(attempts, /Index Scan using lms_attempts_by_user/);
    assert.doesNotMatch(attempts, /Sort/, 'the index gives the order');
    assert.match(tallies, /lms_category_totals/);
    assert.doesNotMatch(tallies, /lms_attempts/);
  });

  test('progress since a date scans only that index range', async (c) => {
    const { storage } = c.made;
    const t = storage.tables;

    await seedHistory(storage.knex, t);
    await analyze(storage.knex, [t.attempts, t.categoryTotals, t.categories]);

    const queries = await capture(storage, () =>
      storage.catalog.readProgress('u1', {
        fromUtc: new Date('2026-01-04T00:00:00Z'),
      }));
    assert.equal(queries.length, 1);

    const parts = progressParts(await explain(c.explainer, queries[0]));

    for (const part of [parts.attempts, parts.tallies]) {
      assert.doesNotMatch(part, /Seq Scan on lms_attempts/);
      assert.match(part, /Index Cond: .*completed_at >=/);
    }
  });

  test('claims and listings read deliveries by index', async (c) => {
    const { storage } = c.made;
    const t = storage.tables;

    await seedDeliveries(storage.knex, t);
    await analyze(storage.knex, [t.deliveries, t.events, t.subscriptions]);

    // The calls run once to capture their SQL; EXPLAIN only plans it.
    const queries = await capture(storage, async () => {
      await storage.webhooks.listDeliveries('wh_3', {
        limit: 20,
        after: { createdAt: new Date('2026-01-01T01:00:00Z'), deliveryId: 'z' },
      });
      await storage.webhooks.claimDueDeliveries({
        now: new Date('2026-01-02'),
        limit: 5,
        leaseUntil: new Date('2026-01-03'),
      });
    });
    const list = await explain(c.explainer, queries[0]);
    const claim = await explain(c.explainer, queries[1]);

    assert.match(list, /Index Scan using lms_deliveries_by_webhook/);
    assert.doesNotMatch(list, /Seq Scan on lms_deliveries/);
    assert.match(claim, /lms_deliveries_due/);
    assert.match(claim, /lms_deliveries_leased/);
    assert.doesNotMatch(claim, /Seq Scan on lms_deliveries/);
  });

  test.run();
});
