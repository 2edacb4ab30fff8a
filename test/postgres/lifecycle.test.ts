import assert from 'node:assert/strict';

import { suite } from 'uvu';

import {
  createPostgresStorage,
  type PostgresStorageOptions,
} from '../../adapters/postgres/index.js';
import { resolveOptions } from '../../adapters/postgres/options.js';
import {
  createHostKnex,
  createTestStorage,
  DATABASE_URL,
  describePostgres,
} from '../support/postgres.js';

/** Options checks run before any connection, so they need no database. */
const options = suite('postgres: options');

function rejectsOption(bad: unknown, name: RegExp): void {
  assert.throws(
    () => createPostgresStorage(bad as PostgresStorageOptions),
    (error: unknown) => error instanceof TypeError && name.test(error.message),
  );
}

options('a bad schema or prefix is named', () => {
  rejectsOption({ connection: DATABASE_URL, schema: 'Bad-Name' }, /`schema`/);
  rejectsOption({ connection: DATABASE_URL, schema: 'pg_x' }, /`schema`/);
  rejectsOption({ connection: DATABASE_URL, tablePrefix: 'a b' },
    /`tablePrefix`/);
  rejectsOption({ connection: DATABASE_URL, tablePrefix: 'x'.repeat(33) },
    /`tablePrefix`/);
});

options('bad timeouts and pool sizes are named', () => {
  rejectsOption({ connection: DATABASE_URL, acquireTimeoutMs: 0 },
    /`acquireTimeoutMs`/);
  rejectsOption({ connection: DATABASE_URL, statementTimeoutMs: 1.5 },
    /`statementTimeoutMs`/);
  rejectsOption({ connection: DATABASE_URL, pool: { min: 5, max: 2 } },
    /`pool.min`/);
  rejectsOption({ connection: DATABASE_URL, pool: { max: 0 } },
    /`pool.max`/);
});

options('the default pool outsizes the worker default concurrency', () => {
  const pool = (value?: object) =>
    resolveOptions({ connection: DATABASE_URL, pool: value }).pool;

  // The worker claims up to 16 at once; the API needs connections too.
  assert.deepEqual(pool(), { min: 0, max: 20 });
  assert.deepEqual(pool({ min: 2 }), { min: 2, max: 20 });
  assert.deepEqual(pool({ min: 30 }), { min: 30, max: 30 });
  assert.deepEqual(pool({ max: 5 }), { min: 0, max: 5 });
});

options('exactly one of knex and connection is required', () => {
  const knex = createHostKnex();

  try {
    rejectsOption({}, /`connection`/);
    rejectsOption(null, /`options`/);
    rejectsOption({ connection: '' }, /`connection`/);
    rejectsOption({ knex, connection: DATABASE_URL }, /`knex`/);
    rejectsOption({ knex, pool: { max: 2 } }, /`pool`/);
    rejectsOption({ knex: { raw() {} } }, /`knex`/);
  } finally {
    void knex.destroy();
  }
});

options('the caller\'s options object is neither kept nor changed', () => {
  const connection = Object.freeze({ connectionString: DATABASE_URL });
  const given = Object.freeze({ connection, schema: 'lms_frozen' });
  const storage = createPostgresStorage(given);

  assert.deepEqual(given, { connection, schema: 'lms_frozen' });
  assert.deepEqual(connection, { connectionString: DATABASE_URL });
  void storage.close();
});

options.run();

await describePostgres(() => {
  const test = suite('postgres: lifecycle');

  test('close() leaves a host knex instance usable', async () => {
    const knex = createHostKnex();

    try {
      const { teardown } = await createTestStorage({ hostKnex: knex });

      await teardown();

      const result = await knex.raw('select 1 as one');

      assert.equal(result.rows[0].one, 1);
    } finally {
      await knex.destroy();
    }
  });

  test('close() destroys the pool the adapter opened', async () => {
    const { storage, teardown } = await createTestStorage();

    await teardown();

    await assert.rejects(storage.catalog.getUser('u1'));
  });

  test('no connection opens before the first call', async () => {
    const storage = createPostgresStorage({
      connection: 'postgres://nobody@127.0.0.1:1/none',
    });

    await storage.close();
  });

  test.run();
});
