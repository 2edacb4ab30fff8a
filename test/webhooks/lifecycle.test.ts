/**
 * Delivery inside createLmsApi and as a standalone worker: the options and
 * their checks, background delivery on publish, and shutdown.
 */
import assert from 'node:assert/strict';

import { suite } from 'uvu';

import { createMemoryStorage } from '../../adapters/memory/index.js';
import {
  createLmsApi,
  createWebhookWorker,
  type WebhookWorkerOptions,
} from '../../src/index.js';
import {
  DEMO_USER_ID,
  PREFIX,
  PUBLIC_URL,
  makeHost,
  withKey,
  type Host,
} from '../support/http.js';
import {
  holdNext,
  settle,
  startReceiver,
  within,
  type Receiver,
} from './helpers.js';

const options = suite('webhook options');

function lmsWith(webhooks: unknown) {
  return () => createLmsApi({
    storage: createMemoryStorage(),
    publicUrl: PUBLIC_URL,
    webhooks: webhooks as never,
  });
}

options('createLmsApi names the bad webhooks option', () => {
  const cases: [unknown, string][] = [
    ['yes', '`webhooks` must be an object'],
    [{ dispatch: 'no' }, '`webhooks.dispatch` must be a boolean'],
    [{ allowHttp: 1 }, '`webhooks.allowHttp` must be a boolean'],
    [{ allowPrivateNetworks: 'true' },
      '`webhooks.allowPrivateNetworks` must be a boolean'],
    [{ concurrency: 0 }, '`webhooks.concurrency` must be a positive integer'],
    [{ perSubscriptionConcurrency: 1.5 },
      '`webhooks.perSubscriptionConcurrency` must be a positive integer'],
    [{ timeoutMs: -1 }, '`webhooks.timeoutMs` must be a positive integer'],
    [{ pollIntervalMs: '1s' },
      '`webhooks.pollIntervalMs` must be a positive integer'],
    [{ onDelivery: 'log' }, '`webhooks.onDelivery` must be a function'],
    [{ onSubscriptionDisabled: {} },
      '`webhooks.onSubscriptionDisabled` must be a function'],
    [{ lookup: 'dns' }, '`webhooks.lookup` must be a function'],
  ];

  for (const [webhooks, message] of cases) {
    assert.throws(lmsWith(webhooks),
      (error: Error) => error instanceof TypeError &&
        error.message === `createLmsApi: ${message}`,
      JSON.stringify(webhooks));
  }
});

options('createLmsApi leaves the caller options alone', async () => {
  const webhooks = { dispatch: false, allowHttp: true };
  const copy = structuredClone(webhooks);
  const lms = lmsWith(webhooks)();

  await lms.close();
  assert.deepEqual(webhooks, copy);
});

options('createWebhookWorker names the bad option', () => {
  const storage = createMemoryStorage();
  const cases: [unknown, string][] = [
    [undefined, '`options` must be an object'],
    [{}, '`storage` must be a storage adapter, e.g. createPostgresStorage()'],
    [{ storage, network: { allowHttp: 'yes' } },
      '`network.allowHttp` must be a boolean'],
    [{ storage, concurrency: 0 }, '`concurrency` must be a positive integer'],
    [{ storage, now: Date.now() }, '`now` must be a function'],
    [{ storage, logger: console.log },
      '`logger` must be a pino-compatible logger'],
  ];

  for (const [input, message] of cases) {
    assert.throws(
      () => createWebhookWorker(input as WebhookWorkerOptions),
      (error: Error) => error instanceof TypeError &&
        error.message === `createWebhookWorker: ${message}`,
      message,
    );
  }
});

options.run();

interface Context {
  host: Host;
  receiver: Receiver;
}

const inProcess = suite<Context>('in-process delivery');

inProcess.before.each(async (c) => {
  c.receiver = await startReceiver();
  // Default dispatch; a poll interval far beyond the test, so only the
  // wake-up on publish can deliver in time.
  c.host = await makeHost({
    webhooks: { allowPrivateNetworks: true, allowHttp: true,
      pollIntervalMs: 3_600_000 },
  });
});
inProcess.after.each(async (c) => {
  await c.host.lms.close();
  await c.receiver.close();
});

async function subscribeAndAssign(c: Context) {
  await c.host.http().post(`${PREFIX}/webhooks`)
    .set(withKey(c.host.keys.demo.ReadWrite))
    .send({ url: `${c.receiver.origin}/bg`, events: ['assignment.created'] });

  return c.host.http().post(`${PREFIX}/assignments`)
    .set(withKey(c.host.masterKey))
    .send({ userId: DEMO_USER_ID, categoryId: 42 });
}

inProcess('an event published by the API is delivered at once', async (c) => {
  const arriving = c.receiver.nextRequest();
  const created = await subscribeAndAssign(c);
  const request = await within(arriving, 5000, 'background delivery');

  assert.equal(JSON.parse(request.body).data.assignmentId,
    created.body.assignmentId);
});

inProcess('lms.attempts.record wakes delivery too', async (c) => {
  await c.host.http().post(`${PREFIX}/webhooks`)
    .set(withKey(c.host.masterKey))
    .send({ url: `${c.receiver.origin}/att`, events: ['attempt.completed'] });

  const arriving = c.receiver.nextRequest();

  await c.host.lms.attempts.record({
    userId: DEMO_USER_ID, categoryId: 1, correct: 18, total: 20,
    source: 'practice',
  });

  const request = await within(arriving, 5000, 'background delivery');

  assert.equal(JSON.parse(request.body).type, 'attempt.completed');
  assert.equal(JSON.parse(request.body).data.percent, 90);
});

inProcess('lms.close() waits for the attempt in flight', async (c) => {
  const held = holdNext(c.receiver);

  await subscribeAndAssign(c);
  await within(held.arrived, 5000, 'background delivery');

  let closed = false;
  const closing = c.host.lms.close().then(() => (closed = true));

  await settle();
  assert.equal(closed, false);

  held.release();
  await closing;

  const [subscription] = await c.host.storage.webhooks.listSubscriptions();
  const [delivery] = await c.host.storage.webhooks.listDeliveries(
    subscription.webhookId, { limit: 1 });

  assert.equal(delivery.status, 'succeeded');
});

inProcess.run();

const apiOnly = suite<Context>('dispatch: false');

apiOnly.before.each(async (c) => {
  c.receiver = await startReceiver();
  c.host = await makeHost({
    webhooks: { dispatch: false, allowPrivateNetworks: true, allowHttp: true },
  });
});
apiOnly.after.each(async (c) => {
  await c.host.lms.close();
  await c.receiver.close();
});

apiOnly('nothing goes out until runOnce', async (c) => {
  await subscribeAndAssign(c);
  await settle();

  const before = c.receiver.received.length;
  const counts = await c.host.lms.webhooks.runOnce();

  assert.equal(before, 0);
  assert.deepEqual(counts, { claimed: 1, succeeded: 1, retrying: 0,
    failed: 0 });
  assert.equal(c.receiver.received.length, 1);
});

apiOnly('a separate worker delivers the outbox', async (c) => {
  await subscribeAndAssign(c);

  const worker = createWebhookWorker({
    storage: c.host.storage,
    now: c.host.clock.now,
    network: { allowPrivateNetworks: true, allowHttp: true },
    pollIntervalMs: 3_600_000,
  });
  const arriving = c.receiver.nextRequest();

  worker.start();
  await within(arriving, 5000, 'worker delivery');
  await worker.close();

  assert.equal(c.receiver.received.length, 1);
});

apiOnly.run();
