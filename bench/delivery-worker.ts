/**
 * Child process of `npm run bench`: webhook delivery throughput on one
 * adapter. Writes BENCH_EVENTS attempt.completed events to the outbox
 * through the API (ten users, each with its own subscription to the
 * parent's loopback receiver), then times createWebhookWorker delivering
 * them all.
 *
 * Environment: BENCH_ADAPTER (memory | postgres), RECEIVER_URL,
 * BENCH_EVENTS, BENCH_WORKER_CONCURRENCY, and DATABASE_URL and
 * BENCH_SCHEMA for postgres.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import Koa from 'koa';

import {
  createLmsApi,
  createWebhookWorker,
  type DeliveryInfo,
  type LmsApi,
  type LmsStorage,
} from '../src/index.js';
import { serveAsChild } from './child.js';
import { openBenchStorage } from './storage.js';
import { inBatches } from './seed.js';

const USERS = 10;
const NETWORK = { allowHttp: true, allowPrivateNetworks: true };
const DEADLINE_MS = 180_000;

/** What one adapter's run measured. */
export interface DeliveryResult {
  events: number;
  delivered: number;
  failed: number;
  seconds: number;
  perSecond: number;
  seedSeconds: number;
}

function userId(i: number): string {
  return `delivery-user-${i}`;
}

/** Serves the API on loopback just long enough to subscribe each user. */
async function subscribeUsers(lms: LmsApi, receiverUrl: string) {
  const server: Server = createServer(new Koa().use(lms.middleware())
    .callback());

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  const { port } = server.address() as AddressInfo;

  try {
    for (let i = 0; i < USERS; i++) {
      const { key } = await lms.keys.create({ userId: userId(i),
        permission: 'ReadWrite' });
      const response = await fetch(
        `http://127.0.0.1:${port}${lms.prefix}/webhooks`, {
          method: 'POST',
          headers: { 'X-CertBoost-Key': key,
            'Content-Type': 'application/json' },
          body: JSON.stringify({ url: `${receiverUrl}/user-${i}`,
            events: ['attempt.completed'] }),
        });

      if (response.status !== 201) {
        throw new Error(`POST /webhooks answered ${response.status}`);
      }
    }
  } finally {
    server.close();
  }
}

async function writeEvents(lms: LmsApi, events: number): Promise<void> {
  await lms.categories.upsert({ categoryId: 1, name: 'Delivery Bench',
    code: 'DB-1', description: '', questionCount: 10, isActive: true });
  for (let i = 0; i < USERS; i++) {
    await lms.users.upsert({ userId: userId(i), fullName: `User ${i}`,
      email: `user${i}@example.com` });
  }

  const indexes = Array.from({ length: events }, (_, n) => n);

  await inBatches(indexes, (n) => lms.attempts.record({
    userId: userId(n % USERS), categoryId: 1, correct: n % 11, total: 10,
    source: 'bench' }));
}

/** Starts a worker and resolves when every event had its attempt. */
async function deliverAll(storage: LmsStorage, events: number) {
  const counts = { delivered: 0, failed: 0 };
  let finish: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const onDelivery = (info: DeliveryInfo) => {
    if (info.status === 'succeeded') counts.delivered++;
    else counts.failed++;
    if (counts.delivered + counts.failed >= events) finish();
  };
  const worker = createWebhookWorker({ storage, network: NETWORK,
    concurrency: Number(process.env.BENCH_WORKER_CONCURRENCY ?? 16),
    onDelivery });
  const started = performance.now();
  const deadline = setTimeout(() => finish(), DEADLINE_MS);

  worker.start();
  await finished;

  const seconds = (performance.now() - started) / 1000;

  clearTimeout(deadline);
  await worker.close();

  return { ...counts, seconds };
}

async function run() {
  const events = Number(process.env.BENCH_EVENTS ?? 10_000);
  const storage = await openBenchStorage(process.env.BENCH_ADAPTER ?? 'memory');
  const lms = createLmsApi({ storage, publicUrl: 'http://127.0.0.1',
    webhooks: { dispatch: false, ...NETWORK } });
  const seedStarted = performance.now();

  await subscribeUsers(lms, process.env.RECEIVER_URL!);
  await writeEvents(lms, events);

  const seedSeconds = (performance.now() - seedStarted) / 1000;
  const { delivered, failed, seconds } = await deliverAll(storage, events);
  const payload: DeliveryResult = { events, delivered, failed, seconds,
    perSecond: delivered / seconds, seedSeconds };

  await lms.close();

  return { payload, cleanup: () => storage.close() };
}

await serveAsChild(run);
