/**
 * The calls a request or a delivery makes send one statement each: no
 * BEGIN and COMMIT around a single write, no second fetch. Statements are
 * counted from knex's `query` event, which transactions' BEGIN and COMMIT
 * raise too.
 */
import assert from 'node:assert/strict';

import { suite } from 'uvu';

import type { PostgresStorage } from '../../adapters/postgres/index.js';
import type {
  DeliveryClaim,
  WebhookEvent,
} from '../../src/storage/index.js';
import {
  createTestStorage,
  describePostgres,
  type TestStorage,
} from '../support/postgres.js';

const AT = new Date('2026-01-01T00:00:00Z');

async function statements(
  storage: PostgresStorage,
  action: () => Promise<unknown>,
): Promise<string[]> {
  const seen: string[] = [];
  const listener = (query: { sql: string }) => seen.push(query.sql);

  storage.knex.on('query', listener);
  try {
    await action();
  } finally {
    storage.knex.off('query', listener);
  }

  return seen;
}

function attemptEvent(eventId: string): WebhookEvent {
  return {
    eventId, type: 'attempt.completed', userId: 'u1', timestamp: AT, data: {},
  };
}

async function seed(storage: PostgresStorage): Promise<void> {
  await storage.catalog.upsertUser(
    { userId: 'u1', fullName: 'J', email: 'j@x.io' });
  await storage.catalog.upsertCategory({ categoryId: 1, name: 'AWS', code: 'A',
    description: '', questionCount: 5, isActive: true });
  await storage.webhooks.createSubscription({
    webhookId: 'wh_1', ownerUserId: 'u1', url: 'https://x.io/hook',
    events: ['attempt.completed'], description: null, isActive: true,
    createdAt: AT, secrets: [], failingSince: null, disabledReason: null,
  });
}

await describePostgres(() => {
  const test = suite<{ made: TestStorage }>('postgres: round trips', {
    made: null as unknown as TestStorage,
  });

  test.before.each(async (context) => {
    context.made = await createTestStorage();
    await seed(context.made.storage);
  });
  test.after.each((context) => context.made.teardown());

  test('recording and reading progress send one statement each', async (c) => {
    const { storage } = c.made;
    const record = () => storage.catalog.recordAttempt({
      attemptId: 'att_1', userId: 'u1', categoryId: 1, correct: 3, total: 5,
      source: 'practice', completedAt: AT,
    }, attemptEvent('evt_1'));

    assert.equal((await statements(storage, record)).length, 1);
    assert.equal((await statements(storage, () =>
      storage.catalog.readProgress('u1', { recent: 5 }))).length, 1);
    assert.equal((await statements(storage, () =>
      storage.catalog.readProgress('u1', { fromUtc: AT }))).length, 1);
  });

  test('a delivery costs one statement to claim and one to record', async (c) => {
    const { webhooks } = c.made.storage;

    await webhooks.publishEvent(attemptEvent('evt_2'));

    const claims: DeliveryClaim[] = [];
    const claim = async () => claims.push(...await webhooks.claimDueDeliveries(
      { now: AT, limit: 5, leaseUntil: new Date(AT.getTime() + 60_000) }));
    const record = () => webhooks.recordAttempt({
      deliveryId: claims[0].delivery.deliveryId, attemptedAt: AT,
      durationMs: 5, statusCode: 200, error: null, responseBody: 'ok',
      succeeded: true, nextAttemptAt: null,
    });

    assert.equal((await statements(c.made.storage, claim)).length, 1);
    assert.equal(claims[0].subscription.webhookId, 'wh_1');
    assert.equal((await statements(c.made.storage, record)).length, 1);
  });

  test('publishing an event sends one statement', async (c) => {
    const { storage } = c.made;
    const sql = await statements(storage, () =>
      storage.webhooks.publishEvent(attemptEvent('evt_3')));

    assert.equal(sql.length, 1);
  });

  test.run();
});
