import assert from 'node:assert/strict';

import type { Knex } from 'knex';
import { suite } from 'uvu';

import { createPostgresStorage } from '../../adapters/postgres/index.js';
import { UnknownReferenceError } from '../../src/storage/index.js';
import {
  createHostKnex,
  createTestStorage,
  DATABASE_URL,
  describePostgres,
  dropSchema,
  uniqueSchema,
} from '../support/postgres.js';

interface Context {
  admin: Knex;
  schemas: string[];
}

const EXPECTED_TABLES = [
  'api_keys', 'assignments', 'attempts', 'categories', 'category_totals',
  'deliveries', 'delivery_attempts', 'events', 'migrations',
  'migrations_lock', 'subscriptions', 'users',
];

async function tablesIn(admin: Knex, schema: string): Promise<string[]> {
  const result = await admin.raw(
    `select table_name from information_schema.tables
      where table_schema = ? order by table_name`, [schema]);

  return result.rows.map((row: { table_name: string }) => row.table_name);
}

async function countRows(admin: Knex, table: string): Promise<number> {
  const result = await admin.raw(`select count(*)::int as n from ${table}`);

  return result.rows[0].n;
}

function storageOn(schema: string, tablePrefix?: string) {
  return createPostgresStorage({
    connection: DATABASE_URL,
    schema,
    tablePrefix,
    pool: { max: 2 },
  });
}

await describePostgres(() => {
  const test = suite<Context>('postgres: migrations', {
    admin: null as unknown as Knex,
    schemas: [],
  });

  test.before((context) => {
    context.admin = createHostKnex();
  });
  test.after(async (context) => {
    for (const schema of context.schemas) {
      await dropSchema(context.admin, schema);
    }
    await context.admin.destroy();
  });

  test('migrating twice changes nothing the second time', async (c) => {
    const { storage, schema, teardown } = await createTestStorage();

    try {
      const before = await tablesIn(c.admin, schema);

      await storage.migrate();

      assert.deepEqual(await tablesIn(c.admin, schema), before);
      assert.equal(
        await countRows(c.admin, `"${schema}".lms_migrations`), 1);
    } finally {
      await teardown();
    }
  });

  test('concurrent migrations of a fresh schema both succeed', async (c) => {
    const schema = uniqueSchema();
    const storages = [1, 2, 3].map(() => storageOn(schema));

    c.schemas.push(schema);
    try {
      await Promise.all(storages.map((storage) => storage.migrate()));

      assert.deepEqual(
        (await tablesIn(c.admin, schema)).map((t) => t.replace(/^lms_/, '')),
        EXPECTED_TABLES,
      );
      assert.equal(
        await countRows(c.admin, `"${schema}".lms_migrations`), 1);
      assert.equal(
        await countRows(c.admin, `"${schema}".lms_migrations_lock`), 1);
    } finally {
      await Promise.all(storages.map((storage) => storage.close()));
    }
  });

  test('each schema holds its own tables and data', async (c) => {
    const first = await createTestStorage();
    const second = await createTestStorage();

    try {
      await first.storage.catalog.upsertUser({
        userId: 'u1', fullName: 'Only here', email: 'a@b.io',
      });

      assert.equal(await second.storage.catalog.getUser('u1'), null);
      assert.equal(
        (await first.storage.catalog.getUser('u1'))?.fullName, 'Only here');
      assert.equal((await tablesIn(c.admin, first.schema)).length,
        EXPECTED_TABLES.length);
      assert.match(first.storage.tables.users, /^"lms_test_[0-9a-f]+"\./);
    } finally {
      await first.teardown();
      await second.teardown();
    }
  });

  test('the table prefix applies to tables and constraints', async (c) => {
    const { storage, schema, teardown } = await createTestStorage({
      tablePrefix: 'cb_',
    });

    try {
      const tables = await tablesIn(c.admin, schema);

      assert.ok(tables.every((table) => table.startsWith('cb_')));
      assert.equal(tables.length, EXPECTED_TABLES.length);
      // The foreign-key names carry the prefix too; the error mapping
      // must still recognise them.
      await assert.rejects(
        storage.catalog.recordAttempt({
          attemptId: 'att_1', userId: 'ghost', categoryId: 1, correct: 1,
          total: 2, source: 'quiz', completedAt: new Date(),
        }, {
          eventId: 'evt_1', type: 'attempt.completed', userId: 'ghost',
          timestamp: new Date(), data: {},
        }),
        (error: unknown) =>
          error instanceof UnknownReferenceError && error.field === 'userId',
      );
    } finally {
      await teardown();
    }
  });

  test('two prefixes share one schema without clashing', async (c) => {
    const schema = uniqueSchema();
    const lms = storageOn(schema);
    const other = storageOn(schema, 'other_');

    c.schemas.push(schema);
    try {
      await lms.migrate();
      await other.migrate();

      assert.equal((await tablesIn(c.admin, schema)).length,
        EXPECTED_TABLES.length * 2);
    } finally {
      await lms.close();
      await other.close();
    }
  });

  test.run();
});
