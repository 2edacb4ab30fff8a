/**
 * `worker` delivers what an API-only instance wrote to the outbox: the
 * events are recorded here through the library, the worker runs as a
 * separate process, and a loopback receiver checks the signatures.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import Koa from 'koa';
import supertest from 'supertest';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { createLmsApi, type LmsApi } from '../../src/index.js';
import { verifyWebhook } from '../../verify/index.js';
import {
  createTestStorage,
  DATABASE_URL,
  describePostgres,
  type TestStorage,
} from '../support/postgres.js';
import { within } from '../support/watchdog.js';
import { startCommand, type RunningCommand } from './helpers.js';

const MASTER_KEY = 'cli-worker-master-key-71c3';
const USER_ID = 'u-worker';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A receiver on 127.0.0.1 that resolves once it has `count` requests. */
async function startReceiver(count: number) {
  const received: Received[] = [];
  let done: () => void;
  const complete = new Promise<void>((resolve) => (done = resolve));
  const server: Server = createServer((req, res) => {
    let body = '';

    req.setEncoding('utf8').on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(204).end();
      if (received.length === count) done();
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    complete,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** An API-only instance: writes the outbox, delivers nothing itself. */
function createApiOnly(db: TestStorage): LmsApi {
  return createLmsApi({
    storage: db.storage,
    masterKey: MASTER_KEY,
    publicUrl: 'https://lms.example.com',
    webhooks: { dispatch: false, allowHttp: true, allowPrivateNetworks: true },
  });
}

async function subscribe(lms: LmsApi, url: string): Promise<string> {
  const app = new Koa().use(lms.middleware());
  const response = await supertest(app.callback())
    .post(`${lms.prefix}/webhooks`)
    .set('X-CertBoost-Key', MASTER_KEY)
    .send({ url, events: ['attempt.completed'] })
    .expect(201);

  return response.body.secret as string;
}

async function recordAttempts(lms: LmsApi, count: number): Promise<void> {
  await lms.categories.upsert({ categoryId: 7, name: 'Networking',
    code: 'NET-7', description: '', questionCount: 40, isActive: true });
  await lms.users.upsert({ userId: USER_ID, fullName: 'Wanda Worker',
    email: 'wanda@example.com' });
  for (let i = 0; i < count; i++) {
    await lms.attempts.record({ userId: USER_ID, categoryId: 7,
      correct: i, total: 10, source: 'quiz' });
  }
}

await describePostgres(() => {
  const test = suite('cli: worker');

  test('worker delivers the outbox, signed, and stops on SIGTERM', async () => {
    const db = await createTestStorage();
    const lms = createApiOnly(db);
    const receiver = await startReceiver(3);
    let worker: RunningCommand | undefined;

    try {
      const secret = await subscribe(lms, receiver.url);

      await recordAttempts(lms, 3);

      worker = await startCommand(['worker', '--concurrency', '2'], {
        DATABASE_URL,
        LMS_DB_SCHEMA: db.schema,
        LMS_WEBHOOKS_ALLOW_HTTP: 'true',
        LMS_WEBHOOKS_ALLOW_PRIVATE_NETWORKS: 'true',
      }, /Delivering webhooks/);

      await within(receiver.complete, 20_000, 'three deliveries');

      const stopped = await worker.stop('SIGTERM');

      assert.is(stopped.status, 0, stopped.stderr);
      assert.match(stopped.stderr, /Stopped\./);

      const ids = new Set(receiver.received.map((r) => r.headers['webhook-id']));

      assert.is(ids.size, 3, 'each event once');
      for (const { headers, body } of receiver.received) {
        const event = await verifyWebhook(body, headers, secret);

        assert.is(event.type, 'attempt.completed');
      }
    } finally {
      await worker?.stop('SIGKILL');
      await lms.close();
      await receiver.close();
      await db.teardown();
    }
  });

  test.run();
});
