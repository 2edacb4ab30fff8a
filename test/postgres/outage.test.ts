/**
 * What callers see when the database is down, slow or restarted: a
 * StorageUnavailableError within the configured bounds, whose message holds
 * no SQL, and a pool that heals once the server is back.
 */
import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Server } from 'node:net';

import type { Knex } from 'knex';
import pg from 'pg';
import { suite } from 'uvu';

import {
  createPostgresStorage,
  type PostgresStorage,
} from '../../adapters/postgres/index.js';
import { StorageUnavailableError } from '../../src/storage/index.js';
import {
  createHostKnex,
  createTestStorage,
  DATABASE_URL,
  describePostgres,
  type TestStorage,
} from '../support/postgres.js';
import { within } from '../support/watchdog.js';

interface Context {
  made: TestStorage;
  admin: pg.Client;
}

/** Asserts an outage error that leaks neither SQL nor bound values. */
function isCleanOutage(error: unknown, secret?: string): boolean {
  assert.ok(error instanceof StorageUnavailableError, String(error));
  assert.doesNotMatch(error.message, /select|insert|update/i);
  assert.ok(error.cause, 'keeps the driver error as cause');
  if (secret) {
    assert.ok(!String((error.cause as Error).message).includes(secret));
  }

  return true;
}

/** A TCP server that accepts connections and never says a word. */
async function silentServer(): Promise<Server> {
  const server = createServer(() => undefined);

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  return server;
}

/** Holds an exclusive lock on `table` until the returned function runs. */
async function lockTable(admin: pg.Client, table: string) {
  await admin.query('begin');
  await admin.query(`lock table ${table} in access exclusive mode`);

  return () => admin.query('rollback');
}

function unreachableStorage(port: number): PostgresStorage {
  return createPostgresStorage({
    connection: `postgres://postgres@127.0.0.1:${port}/test`,
    acquireTimeoutMs: 300,
  });
}

await describePostgres(() => {
  const test = suite<Context>('postgres: outages', {
    made: null as unknown as TestStorage,
    admin: null as unknown as pg.Client,
  });

  test.before.each(async (context) => {
    context.made = await createTestStorage();
    context.admin = new pg.Client(DATABASE_URL);
    await context.admin.connect();
  });
  test.after.each(async (context) => {
    await context.admin.end();
    await context.made.teardown();
  });

  test('a refused connection fails fast as unavailable', async () => {
    const storage = unreachableStorage(1);

    try {
      const calls: Promise<unknown>[] = [
        storage.catalog.getUser('u1'),
        storage.keys.findKeyByDigest('d'),
        storage.webhooks.claimDueDeliveries({
          now: new Date(), limit: 1, leaseUntil: new Date(),
        }),
        storage.migrate(),
      ];

      for (const call of calls) {
        await assert.rejects(within(call, 1200), (e) => isCleanOutage(e));
      }
    } finally {
      await storage.close();
    }
  });

  test('a silent server is bounded by acquireTimeoutMs', async () => {
    const server = await silentServer();
    const { port } = server.address() as AddressInfo;
    const storage = unreachableStorage(port);

    try {
      await assert.rejects(
        within(storage.catalog.getUser('u1'), 1200),
        (e) => isCleanOutage(e),
      );
    } finally {
      await storage.close();
      server.close();
    }
  });

  test('a slow statement times out as unavailable', async (c) => {
    const storage = createPostgresStorage({
      connection: DATABASE_URL,
      schema: c.made.schema,
      statementTimeoutMs: 100,
    });
    const release = await lockTable(c.admin, c.made.storage.tables.users);

    try {
      await assert.rejects(
        within(storage.catalog.getUser('user-secret-42'), 2000),
        (e) => isCleanOutage(e, 'user-secret-42'),
      );
    } finally {
      await release();
      await storage.close();
    }
  });

  test('terminated connections are replaced on the next call', async (c) => {
    const applicationName = `lms_outage_${process.pid}_${Date.now()}`;
    const storage = createPostgresStorage({
      connection: { connectionString: DATABASE_URL,
        application_name: applicationName },
      schema: c.made.schema,
    });

    try {
      await storage.catalog.upsertUser({
        userId: 'u1', fullName: 'Jane', email: 'j@x.io',
      });
      await Promise.all([1, 2, 3].map(() => storage.catalog.getUser('u1')));

      // The second argument makes the call wait until the backends exit.
      const killed = await c.admin.query(
        `select pg_terminate_backend(pid, 5000) from pg_stat_activity
          where application_name = $1`, [applicationName]);

      assert.ok((killed.rowCount ?? 0) > 0, 'the pool had connections');
      // One turn of the event loop lets the driver read the goodbye the
      // server sent on each socket; no wall-clock wait is involved.
      await new Promise((resolve) => setImmediate(resolve));

      assert.equal((await storage.catalog.getUser('u1'))?.fullName, 'Jane');
    } finally {
      await storage.close();
    }
  });

  test.run();

  const host = suite<Context & { knex: Knex }>('postgres: host knex outages', {
    made: null as unknown as TestStorage,
    admin: null as unknown as pg.Client,
    knex: null as unknown as Knex,
  });

  host.before.each(async (context) => {
    context.knex = createHostKnex({ pool: { min: 0, max: 1 } });
    context.made = await createTestStorage({
      hostKnex: context.knex,
      acquireTimeoutMs: 200,
      statementTimeoutMs: 100,
    });
    context.admin = new pg.Client(DATABASE_URL);
    await context.admin.connect();
  });
  host.after.each(async (context) => {
    await context.admin.end();
    await context.made.teardown();
    await context.knex.destroy();
  });

  host('a busy host pool fails in time and the call never runs', async (c) => {
    const { storage } = c.made;
    const holder = await c.knex.transaction();

    try {
      await assert.rejects(
        within(storage.catalog.upsertUser({
          userId: 'late', fullName: 'Late', email: 'l@x.io',
        }), 1000),
        (e) => isCleanOutage(e),
      );
    } finally {
      await holder.rollback();
    }

    // The pool serves waiters in order, so this read comes after the late
    // transaction got its connection and was rolled back.
    assert.equal(await storage.catalog.getUser('late'), null);
  });

  host('statement time is limited inside host transactions', async (c) => {
    const { storage } = c.made;
    const release = await lockTable(c.admin, storage.tables.users);

    try {
      await assert.rejects(
        within(storage.catalog.getUser('u1'), 2000),
        (e) => isCleanOutage(e),
      );
    } finally {
      await release();
    }
    assert.equal(await storage.catalog.getUser('u1'), null);
  });

  host.run();
});
