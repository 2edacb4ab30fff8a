import assert from 'node:assert/strict';

import { suite } from 'uvu';

import type { Subscription } from '../../src/storage/index.js';
import {
  createTestStorage,
  describePostgres,
  type TestStorage,
} from '../support/postgres.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');

function subscription(): Subscription {
  return {
    webhookId: 'wh_1', ownerUserId: 'u1', url: 'https://x.io/hook',
    events: ['attempt.completed', 'assignment.created'], description: null,
    isActive: true, createdAt: new Date(T0), secrets: [],
    failingSince: new Date(T0 + 1000), disabledReason: 'failing',
  };
}

await describePostgres(() => {
  const test = suite<{ made: TestStorage }>('postgres: subscriptions', {
    made: null as unknown as TestStorage,
  });

  test.before.each(async (context) => {
    context.made = await createTestStorage();
  });
  test.after.each(async (context) => {
    await context.made.teardown();
  });

  test('re-enabling can clear failingSince', async ({ made }) => {
    const { webhooks } = made.storage;

    await webhooks.createSubscription(subscription());

    const updated = await webhooks.updateSubscription('wh_1', {
      isActive: true, disabledReason: null, failingSince: null,
    });

    assert.equal(updated?.failingSince, null);
    assert.equal(updated?.disabledReason, null);
    assert.equal((await webhooks.getSubscription('wh_1'))?.failingSince,
      null);
  });

  test('events are stored sorted', async ({ made }) => {
    const { webhooks } = made.storage;

    await webhooks.createSubscription(subscription());

    assert.deepEqual((await webhooks.getSubscription('wh_1'))?.events,
      ['assignment.created', 'attempt.completed']);
  });

  test.run();
});
