/**
 * Several workers polling one outbox: two storages (two pools) on the same
 * schema stand for two processes.
 */
import assert from 'node:assert/strict';

import { suite } from 'uvu';

import {
  createPostgresStorage,
  type PostgresStorage,
} from '../../adapters/postgres/index.js';
import type { DeliveryClaim } from '../../src/storage/index.js';
import {
  createTestStorage,
  DATABASE_URL,
  describePostgres,
  type TestStorage,
} from '../support/postgres.js';

interface Context {
  made: TestStorage;
  second: PostgresStorage;
}

const T0 = Date.parse('2026-01-01T00:00:00Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000);

async function publishMany(storage: PostgresStorage, count: number) {
  await storage.webhooks.createSubscription({
    webhookId: 'wh_1', ownerUserId: null, url: 'https://x.io/hook',
    events: ['attempt.completed'], description: null, isActive: true,
    createdAt: at(0), secrets: [], failingSince: null, disabledReason: null,
  });
  for (let i = 0; i < count; i++) {
    await storage.webhooks.publishEvent({
      eventId: `evt_${i}`, type: 'attempt.completed', userId: 'u1',
      timestamp: at(i % 7), data: { i },
    });
  }
}

function claimBatch(storage: PostgresStorage): Promise<DeliveryClaim[]> {
  return storage.webhooks.claimDueDeliveries({
    now: at(100), limit: 4, leaseUntil: at(200),
  });
}

/** Both storages claim in parallel, several calls at once, until empty. */
async function drain(storages: PostgresStorage[]): Promise<string[]> {
  const claimed: string[] = [];

  for (;;) {
    const calls = storages.flatMap((s) => [claimBatch(s), claimBatch(s)]);
    const batches = await Promise.all(calls);
    const ids = batches.flat().map((claim) => claim.delivery.deliveryId);

    if (ids.length === 0) return claimed;
    claimed.push(...ids);
  }
}

await describePostgres(() => {
  const test = suite<Context>('postgres: concurrent claims', {
    made: null as unknown as TestStorage,
    second: null as unknown as PostgresStorage,
  });

  test.before.each(async (context) => {
    context.made = await createTestStorage();
    context.second = createPostgresStorage({
      connection: DATABASE_URL,
      schema: context.made.schema,
      pool: { max: 4 },
    });
  });
  test.after.each(async (context) => {
    await context.second.close();
    await context.made.teardown();
  });

  test('two claimers never get the same delivery', async (c) => {
    const first = c.made.storage;

    await publishMany(first, 60);

    const claimed = await drain([first, c.second]);

    assert.equal(claimed.length, 60);
    assert.equal(new Set(claimed).size, 60, 'a delivery was claimed twice');
  });

  test('an expired lease is claimed again by one worker only', async (c) => {
    const first = c.made.storage;

    await publishMany(first, 10);
    await claimBatch(first);

    const [a, b] = await Promise.all([
      first.webhooks.claimDueDeliveries({
        now: at(300), limit: 10, leaseUntil: at(400),
      }),
      c.second.webhooks.claimDueDeliveries({
        now: at(300), limit: 10, leaseUntil: at(400),
      }),
    ]);
    const ids = [...a, ...b].map((claim) => claim.delivery.deliveryId);

    assert.equal(ids.length, 10);
    assert.equal(new Set(ids).size, 10);
  });

  test.run();
});
