/**
 * The database going away under a running API: requests answer 503 JSON
 * quickly instead of hanging, and the API heals without a restart once the
 * database is back. The outage is real: the adapter talks to PostgreSQL
 * through a loopback TCP proxy that the test cuts and restores.
 */
import assert from 'node:assert/strict';
import {
  createServer,
  connect,
  type AddressInfo,
  type Server,
  type Socket,
} from 'node:net';

import request from 'supertest';
import { suite } from 'uvu';

import { createPostgresStorage } from '../../adapters/postgres/index.js';
import { createHostApp } from '../../examples/host-app/app.js';
import {
  createHostKnex,
  DATABASE_URL,
  describePostgres,
  dropSchema,
  uniqueSchema,
} from '../support/postgres.js';
import { within } from '../support/watchdog.js';

const MASTER = 'outage-master-key';

/** A TCP proxy to the database that can be cut and restored. */
class DatabaseProxy {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(private readonly target: URL) {}

  async start(): Promise<void> {
    const server = createServer((client) => this.pipe(client));

    await new Promise<void>((resolve) => {
      server.listen(this.port, '127.0.0.1', resolve);
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Drops every open connection and refuses new ones. */
  async cut(): Promise<void> {
    const server = this.server;

    this.server = null;
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => server?.close(resolve));
  }

  private pipe(client: Socket): void {
    const upstream = connect(
      Number(this.target.port || 5432),
      this.target.hostname,
    );

    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  }
}

function proxiedUrl(port: number): string {
  const url = new URL(DATABASE_URL);

  url.hostname = '127.0.0.1';
  url.port = String(port);

  return url.toString();
}

await describePostgres(() => {
  const test = suite('postgres: API during a database outage');

  test('answers 503 fast while the database is gone, then heals', async () => {
    const proxy = new DatabaseProxy(new URL(DATABASE_URL));
    const schema = uniqueSchema();

    await proxy.start();

    const storage = createPostgresStorage({
      connection: proxiedUrl(proxy.port),
      schema,
      acquireTimeoutMs: 1000,
      statementTimeoutMs: 1000,
    });
    const { app, lms } = createHostApp({
      storage,
      masterKey: MASTER,
      publicUrl: 'https://lms.example.com',
      webhooks: { dispatch: false },
    } as Parameters<typeof createHostApp>[0]);
    const server = app.callback();
    const categories = () =>
      request(server).get('/api/lms/v1/categories').set('X-CertBoost-Key',
        MASTER);

    try {
      await storage.migrate();
      await lms.categories.upsert({
        categoryId: 1, name: 'AWS', code: 'AWS', description: '',
        questionCount: 1, isActive: true,
      });
      assert.equal((await categories()).status, 200);

      await proxy.cut();

      for (let i = 0; i < 3; i++) {
        const down = await within(categories(), 5000);

        assert.equal(down.status, 503);
        assert.equal(down.headers['retry-after'], '5');
        assert.match(down.body.error, /temporarily unavailable/);
        assert.doesNotMatch(JSON.stringify(down.body), /select|lms_/i);
      }

      await proxy.start();

      const back = await within(categories(), 5000);

      assert.equal(back.status, 200);
      assert.deepEqual(back.body.map((c: { name: string }) => c.name), ['AWS']);
    } finally {
      await proxy.cut().catch(() => undefined);
      await lms.close();
      await storage.close();

      const admin = createHostKnex();

      await dropSchema(admin, schema);
      await admin.destroy();
    }
  });

  test.run();
});
