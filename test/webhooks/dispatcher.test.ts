/**
 * The delivery engine through createWebhookWorker on the memory adapter,
 * against real receivers on 127.0.0.1. Time is an injected clock moved by
 * hand; `runOnce` stands in for the loop's ticks.
 */
import assert from 'node:assert/strict';

import { suite } from 'uvu';

import {
  createMemoryStorage,
  type MemoryStorage,
} from '../../adapters/memory/index.js';
import {
  createWebhookWorker,
  type DeliveryInfo,
  type Logger,
  type Subscription,
  type SubscriptionDisabledInfo,
  type WebhookEvent,
  type WebhookWorker,
  type WebhookWorkerOptions,
} from '../../src/index.js';
import {
  holdNext,
  manualClock,
  peak,
  releaseInGroups,
  settle,
  startReceiver,
  type ManualClock,
  type Receiver,
} from './helpers.js';

const T0 = new Date('2026-04-19T12:00:00.000Z');
const SECOND = 1000;
const DAY = 24 * 3600 * SECOND;
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

interface Context {
  storage: MemoryStorage;
  clock: ManualClock;
  receiver: Receiver;
  worker: WebhookWorker;
  deliveries: DeliveryInfo[];
  disabled: SubscriptionDisabledInfo[];
  errors: object[];
}

let sequence = 0;

function event(userId: string | null = 'u1', at?: Date): WebhookEvent {
  sequence += 1;

  return {
    eventId: `evt_${sequence}`,
    type: 'assignment.created',
    userId,
    timestamp: at ?? T0,
    data: { n: sequence },
  };
}

async function subscribe(
  c: Context,
  path = '/hook',
  overrides: Partial<Subscription> = {},
): Promise<Subscription> {
  sequence += 1;

  const subscription: Subscription = {
    webhookId: `wh_${sequence}`,
    ownerUserId: null,
    url: `${c.receiver.origin}${path}`,
    events: ['assignment.created'],
    description: null,
    isActive: true,
    createdAt: T0,
    secrets: [{ secret: SECRET, expiresAt: null }],
    failingSince: null,
    disabledReason: null,
    ...overrides,
  };

  await c.storage.webhooks.createSubscription(subscription);

  return subscription;
}

function recordingLogger(errors: object[]): Logger {
  const ignore = () => {};

  return {
    error: (context) => errors.push(context),
    warn: ignore,
    info: ignore,
    debug: ignore,
  };
}

function worker(
  c: Context,
  options: Partial<WebhookWorkerOptions> = {},
): WebhookWorker {
  c.worker = createWebhookWorker({
    storage: c.storage,
    now: c.clock.now,
    logger: recordingLogger(c.errors),
    network: { allowPrivateNetworks: true, allowHttp: true },
    onDelivery: (info) => void c.deliveries.push(info),
    onSubscriptionDisabled: (info) => void c.disabled.push(info),
    ...options,
  });

  return c.worker;
}

async function onlyDelivery(c: Context) {
  const [delivery] = await c.storage.webhooks.listDeliveries(
    (await c.storage.webhooks.listSubscriptions())[0].webhookId,
    { limit: 10 },
  );

  return delivery;
}

function setup(name: string) {
  const test = suite<Context>(name);

  test.before.each(async (c) => {
    c.storage = createMemoryStorage();
    c.clock = manualClock(T0);
    c.receiver = await startReceiver();
    c.deliveries = [];
    c.disabled = [];
    c.errors = [];
    worker(c);
  });
  test.after.each(async (c) => {
    await c.worker.close();
    await c.receiver.close();
  });

  return test;
}

const retries = setup('retries');

retries('a failing delivery follows the schedule, then fails', async (c) => {
  c.receiver.respond = () => ({ status: 500 });
  await subscribe(c);
  await c.storage.webhooks.publishEvent(event());

  const gaps: number[] = [];

  for (let attempt = 1; attempt <= 8; attempt++) {
    const early = new Date(c.clock.now().getTime() - 1);
    const before = await onlyDelivery(c);

    if (before.nextAttemptAt && attempt > 1) {
      c.clock.set(early);
      assert.equal((await c.worker.runOnce()).claimed, 0, 'not yet due');
      c.clock.set(before.nextAttemptAt);
    }

    const counts = await c.worker.runOnce();
    const after = await onlyDelivery(c);

    assert.equal(counts.claimed, 1);
    assert.equal(after.attempts, attempt);
    if (after.nextAttemptAt) {
      gaps.push(after.nextAttemptAt.getTime() - c.clock.now().getTime());
    }
  }

  const final = await onlyDelivery(c);
  const steps = [5, 300, 1800, 7200, 18_000, 36_000, 36_000];

  assert.equal(final.status, 'failed');
  assert.equal(final.nextAttemptAt, null);
  assert.equal(final.lastStatusCode, 500);
  assert.equal(c.receiver.received.length, 8);
  assert.equal(gaps.length, 7);
  for (const [i, gap] of gaps.entries()) {
    assert.ok(gap >= steps[i] * SECOND && gap <= steps[i] * SECOND * 1.2,
      `gap ${i + 1}: ${gap}`);
  }
  assert.equal(new Set(c.receiver.received.map(
    (r) => r.headers['webhook-id'])).size, 1);
  assert.deepEqual(c.deliveries.map((d) => d.status),
    [...Array(7).fill('pending'), 'failed']);
  assert.deepEqual(c.deliveries.map((d) => d.attempt),
    [1, 2, 3, 4, 5, 6, 7, 8]);
});

retries('the timestamp is taken at each attempt', async (c) => {
  c.receiver.respond = () => ({ status: 503 });
  await subscribe(c);
  await c.storage.webhooks.publishEvent(event());
  await c.worker.runOnce();
  c.clock.advance(DAY);
  await c.worker.runOnce();

  const [first, second] = c.receiver.received;

  assert.equal(first.headers['webhook-timestamp'],
    String(T0.getTime() / 1000));
  assert.equal(second.headers['webhook-timestamp'],
    String((T0.getTime() + DAY) / 1000));
  assert.equal(first.body, second.body);
});

retries('a success ends the delivery and clears failingSince', async (c) => {
  let calls = 0;

  c.receiver.respond = () => ({ status: ++calls === 1 ? 502 : 204 });

  const s = await subscribe(c);

  await c.storage.webhooks.publishEvent(event());
  await c.worker.runOnce();

  const failing = await c.storage.webhooks.getSubscription(s.webhookId);

  c.clock.advance(60 * SECOND);
  await c.worker.runOnce();

  const healed = await c.storage.webhooks.getSubscription(s.webhookId);
  const delivery = await onlyDelivery(c);

  assert.deepEqual(failing?.failingSince, T0);
  assert.equal(healed?.failingSince, null);
  assert.equal(delivery.status, 'succeeded');
  assert.equal(delivery.lastStatusCode, 204);
});

retries('Retry-After pushes the next attempt out, within a day', async (c) => {
  const answers = ['120', '9999999', '1'];

  c.receiver.respond = () => ({
    status: 429, headers: { 'Retry-After': answers.shift() ?? '0' },
  });
  await subscribe(c);
  await c.storage.webhooks.publishEvent(event());

  const waits: number[] = [];

  for (let i = 0; i < 3; i++) {
    await c.worker.runOnce();

    const next = (await onlyDelivery(c)).nextAttemptAt as Date;

    waits.push(next.getTime() - c.clock.now().getTime());
    c.clock.set(next);
  }

  assert.equal(waits[0], 120 * SECOND);
  assert.equal(waits[1], DAY);
  assert.ok(waits[2] >= 1800 * SECOND && waits[2] <= 2160 * SECOND,
    String(waits[2]));
});

retries('the response body is stored, cut at 4 KiB', async (c) => {
  c.receiver.respond = () => ({ status: 500, body: 'x'.repeat(10_000) });
  await subscribe(c);
  await c.storage.webhooks.publishEvent(event());
  await c.worker.runOnce();

  const stored = await c.storage.webhooks.getDelivery(
    (await onlyDelivery(c)).deliveryId);

  assert.equal(stored?.lastResponseBody, 'x'.repeat(4096));
});

retries.run();

const disabling = setup('disabling');

disabling('410 Gone disables the subscription at once', async (c) => {
  c.receiver.respond = () => ({ status: 410 });

  const s = await subscribe(c);

  await c.storage.webhooks.publishEvent(event());
  await c.storage.webhooks.publishEvent(event());
  await c.worker.runOnce();

  const stored = await c.storage.webhooks.getSubscription(s.webhookId);
  const rows = await c.storage.webhooks.listDeliveries(s.webhookId,
    { limit: 10 });

  assert.equal(stored?.isActive, false);
  assert.equal(stored?.disabledReason, 'gone');
  assert.deepEqual(rows.map((d) => d.status), ['failed', 'failed']);
  assert.deepEqual(c.disabled, [{
    webhookId: s.webhookId, ownerUserId: null, url: s.url, reason: 'gone',
    disabledAt: T0,
  }]);
  assert.deepEqual(
    await c.storage.webhooks.publishEvent(event()), [],
    'a disabled subscription gets no new deliveries');
});

disabling('pending deliveries of a disabled webhook end unsent', async (c) => {
  const s = await subscribe(c);

  await c.storage.webhooks.publishEvent(event());
  await c.storage.webhooks.updateSubscription(s.webhookId,
    { isActive: false });
  await c.worker.runOnce();

  const delivery = await onlyDelivery(c);

  assert.equal(c.receiver.received.length, 0);
  assert.equal(delivery.status, 'failed');
  assert.equal(delivery.lastError, 'Webhook is disabled.');
  assert.deepEqual(c.disabled, []);
});

disabling('five days of failures disables with reason failing', async (c) => {
  c.receiver.respond = () => ({ status: 500 });

  const s = await subscribe(c);

  await c.storage.webhooks.publishEvent(event());
  await c.worker.runOnce();
  c.clock.advance(5 * DAY - 1);
  await c.storage.webhooks.publishEvent(event(null, c.clock.now()));
  await c.worker.runOnce();

  const stillOn = await c.storage.webhooks.getSubscription(s.webhookId);

  c.clock.advance(1);
  await c.storage.webhooks.publishEvent(event(null, c.clock.now()));
  await c.worker.runOnce();

  const off = await c.storage.webhooks.getSubscription(s.webhookId);
  const [newest] = await c.storage.webhooks.listDeliveries(s.webhookId,
    { limit: 1 });

  assert.equal(stillOn?.isActive, true);
  assert.equal(off?.isActive, false);
  assert.equal(off?.disabledReason, 'failing');
  assert.equal(newest.status, 'failed');
  assert.equal(c.disabled.length, 1);
  assert.equal(c.disabled[0].reason, 'failing');
});

disabling('a hook that throws is logged and changes nothing', async (c) => {
  worker(c, {
    onDelivery: () => {
      throw new Error('metrics down');
    },
    onSubscriptionDisabled: async () => {
      throw new Error('pager down');
    },
  });
  c.receiver.respond = () => ({ status: 410 });

  const s = await subscribe(c);

  await c.storage.webhooks.publishEvent(event());

  const counts = await c.worker.runOnce();
  const stored = await c.storage.webhooks.getSubscription(s.webhookId);

  assert.deepEqual(counts, { claimed: 1, succeeded: 0, retrying: 0,
    failed: 1 });
  assert.equal(stored?.disabledReason, 'gone');
  assert.deepEqual(c.errors.map((e) => (e as { hook: string }).hook).sort(),
    ['onDelivery', 'onSubscriptionDisabled']);
});

disabling.run();

const hooks = setup('hooks');

hooks('onDelivery reports each recorded attempt', async (c) => {
  const s = await subscribe(c);

  await c.storage.webhooks.publishEvent(event('u9'));
  await c.worker.runOnce();

  const [info] = c.deliveries;
  const delivery = await onlyDelivery(c);

  assert.equal(c.deliveries.length, 1);
  assert.equal(info.webhookId, s.webhookId);
  assert.equal(info.deliveryId, delivery.deliveryId);
  assert.equal(info.eventType, 'assignment.created');
  assert.equal(info.status, 'succeeded');
  assert.equal(info.statusCode, 200);
  assert.equal(info.attempt, 1);
  assert.equal(info.error, null);
  assert.deepEqual(info.attemptedAt, T0);
  assert.equal(info.nextAttemptAt, null);
});

hooks.run();

const limits = setup('concurrency');

limits('no more than `concurrency` attempts run at once', async (c) => {
  worker(c, { concurrency: 3, perSubscriptionConcurrency: 4 });
  c.receiver.respond = releaseInGroups(3);
  await subscribe(c, '/all');
  for (let i = 0; i < 9; i++) await c.storage.webhooks.publishEvent(event());

  const claimed: number[] = [];

  for (let round = 0; round < 3; round++) {
    claimed.push((await c.worker.runOnce()).claimed);
  }

  assert.deepEqual(claimed, [3, 3, 3]);
  assert.equal(peak(c.receiver), 3);
  assert.equal(c.receiver.received.length, 9);
});

limits('no more than the per-subscription limit to one receiver', async (c) => {
  worker(c, { concurrency: 16, perSubscriptionConcurrency: 2 });
  c.receiver.respond = releaseInGroups(2);
  await subscribe(c, '/a');
  await subscribe(c, '/b');
  for (let i = 0; i < 6; i++) await c.storage.webhooks.publishEvent(event());

  const counts = await c.worker.runOnce();

  assert.equal(counts.claimed, 12);
  assert.equal(counts.succeeded, 12);
  assert.equal(peak(c.receiver, '/a'), 2);
  assert.equal(peak(c.receiver, '/b'), 2);
  assert.ok(peak(c.receiver) <= 4);
});

limits('close() stops claiming and waits for attempts in flight', async (c) => {
  const held = holdNext(c.receiver);

  await subscribe(c);
  await c.storage.webhooks.publishEvent(event());
  c.worker.start();
  await held.arrived;

  let closed = false;
  const closing = c.worker.close().then(() => (closed = true));

  await settle();
  assert.equal(closed, false, 'close waits for the attempt');

  held.release({ status: 200 });
  await closing;

  assert.equal((await onlyDelivery(c)).status, 'succeeded');

  await c.storage.webhooks.publishEvent(event());
  assert.equal((await c.worker.runOnce()).claimed, 0);
  assert.equal(c.receiver.received.length, 1);
});

limits.run();
