/**
 * Webhook workers as separate processes on one PostgreSQL database: a
 * worker killed with SIGKILL mid-delivery loses nothing, and two workers
 * never send the same delivery twice. The receiver listens on 127.0.0.1.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

import { suite } from 'uvu';

import type { LmsStorage, Subscription } from '../../src/index.js';
import {
  DATABASE_URL,
  createTestStorage,
  describePostgres,
  type TestStorage,
} from '../support/postgres.js';
import {
  startReceiver,
  within,
  type Receiver,
  type Reply,
} from './helpers.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/worker.ts', import.meta.url));
const WAIT_MS = 60_000;
const HOUR = 3600 * 1000;

interface Context {
  db: TestStorage;
  receiver: Receiver;
  children: ChildProcess[];
}

interface WorkerEnv {
  concurrency: number;
  clockOffsetMs?: number;
}

function spawnWorker(c: Context, env: WorkerEnv): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE], {
    env: {
      ...process.env,
      DATABASE_URL,
      LMS_SCHEMA: c.db.schema,
      CONCURRENCY: String(env.concurrency),
      CLOCK_OFFSET_MS: String(env.clockOffsetMs ?? 0),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });

  c.children.push(child);

  return child;
}

async function stop(child: ChildProcess, signal: NodeJS.Signals) {
  if (child.exitCode !== null || child.signalCode !== null) return;

  const exited = once(child, 'exit');

  child.kill(signal);
  await exited;
}

async function fillOutbox(
  storage: LmsStorage,
  receiver: Receiver,
  count: number,
): Promise<string[]> {
  const subscription: Subscription = {
    webhookId: 'wh_pg_worker',
    ownerUserId: null,
    url: `${receiver.origin}/pg`,
    events: ['assignment.created'],
    description: null,
    isActive: true,
    createdAt: new Date(),
    secrets: [{ secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      expiresAt: null }],
    failingSince: null,
    disabledReason: null,
  };
  const ids = Array.from({ length: count }, (_, i) => `evt_pg_${i}`);

  await storage.webhooks.createSubscription(subscription);
  for (const eventId of ids) {
    await storage.webhooks.publishEvent({
      eventId,
      type: 'assignment.created',
      userId: 'u1',
      timestamp: new Date(),
      data: { eventId },
    });
  }

  return ids;
}

/** Counts requests per webhook-id and resolves once every id got a 200. */
function tally(expected: number) {
  const sent = new Map<string, number>();
  const acked = new Set<string>();
  let done: () => void = () => {};
  const allAcked = new Promise<void>((resolve) => (done = resolve));

  return {
    sent,
    acked,
    allAcked,
    see(id: string) {
      sent.set(id, (sent.get(id) ?? 0) + 1);
    },
    ack(id: string): Reply {
      acked.add(id);
      if (acked.size === expected) done();

      return { status: 200 };
    },
  };
}

async function everyDeliverySucceeded(storage: LmsStorage) {
  const rows = await storage.webhooks.listDeliveries('wh_pg_worker',
    { limit: 1000 });

  return rows.every((d) => d.status === 'succeeded') ? rows.length : -1;
}

await describePostgres(() => {
  const test = suite<Context>('postgres: webhook worker processes');

  test.before.each(async (c) => {
    c.db = await createTestStorage();
    c.receiver = await startReceiver();
    c.children = [];
  });
  test.after.each(async (c) => {
    for (const child of c.children) await stop(child, 'SIGKILL');
    await c.receiver.close();
    await c.db.teardown();
  });

  test('kill -9 mid-delivery, restart: every event arrives', async (c) => {
    const concurrency = 4;
    const ids = await fillOutbox(c.db.storage, c.receiver, 30);
    const counts = tally(ids.length);
    let killing = false;
    let reachedKillPoint: () => void = () => {};
    const killPoint = new Promise<void>((r) => (reachedKillPoint = r));

    // The first ten are answered; from then on requests hang until the
    // worker dies, so it has attempts in flight when it is killed.
    c.receiver.respond = (request) => {
      const id = String(request.headers['webhook-id']);

      counts.see(id);
      if (!killing && counts.acked.size < 10) return counts.ack(id);

      killing = true;
      reachedKillPoint();

      return new Promise<Reply>(() => {});
    };

    const first = spawnWorker(c, { concurrency });

    await within(killPoint, WAIT_MS, 'first worker deliveries');
    await stop(first, 'SIGKILL');

    c.receiver.respond = (request) => {
      const id = String(request.headers['webhook-id']);

      counts.see(id);

      return counts.ack(id);
    };

    // The restarted worker's clock is past the dead worker's leases.
    const second = spawnWorker(c, { concurrency, clockOffsetMs: HOUR });

    await within(counts.allAcked, WAIT_MS, 'every event acknowledged');
    await stop(second, 'SIGTERM');

    const repeated = [...counts.sent.values()].filter((n) => n > 1);

    assert.deepEqual([...counts.acked].sort(), [...ids].sort());
    assert.ok(repeated.length <= concurrency,
      `${repeated.length} events were sent more than once`);
    assert.equal(await everyDeliverySucceeded(c.db.storage), ids.length);
  });

  test('two workers on one database never double-send', async (c) => {
    const ids = await fillOutbox(c.db.storage, c.receiver, 200);
    const counts = tally(ids.length);

    c.receiver.respond = (request) => {
      const id = String(request.headers['webhook-id']);

      counts.see(id);

      return counts.ack(id);
    };

    const workers = [
      spawnWorker(c, { concurrency: 8 }),
      spawnWorker(c, { concurrency: 8 }),
    ];

    await within(counts.allAcked, WAIT_MS, 'every event acknowledged');
    await Promise.all(workers.map((w) => stop(w, 'SIGTERM')));

    const twice = [...counts.sent].filter(([, n]) => n > 1);

    assert.equal(counts.sent.size, ids.length);
    assert.deepEqual(twice, []);
    assert.equal(await everyDeliverySucceeded(c.db.storage), ids.length);
  });

  test.run();
});
