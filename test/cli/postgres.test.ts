/**
 * The command line against PostgreSQL, in a fresh schema chosen with
 * LMS_DB_SCHEMA and dropped afterwards. The tests run in order: migrate,
 * create a key, use it against `serve`, list, deactivate.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import {
  createHostKnex,
  DATABASE_URL,
  describePostgres,
  dropSchema,
  uniqueSchema,
} from '../support/postgres.js';
import { lines, runCli, startServe, statusWithKey } from './helpers.js';

interface Issued {
  key: string;
  keyId: string;
}

await describePostgres(() => {
  const test = suite('cli: against PostgreSQL');
  const schema = uniqueSchema();
  const env = { DATABASE_URL, LMS_DB_SCHEMA: schema };
  const issued: Issued[] = [];

  async function createKey(...extra: string[]): Promise<Issued> {
    const result = await runCli(['keys', 'create', '--user', 'u-cli',
      '--permission', 'ReadOnly', ...extra], env);

    assert.is(result.status, 0, result.stderr);

    const [key, keyId] = lines(result.stdout);
    const created = { key: key!, keyId: keyId! };

    issued.push(created);

    return created;
  }

  test.after(async () => {
    const knex = createHostKnex();

    await dropSchema(knex, schema);
    await knex.destroy();
  });

  test('serve refuses an unmigrated schema and points at migrate', async () => {
    const result = await runCli(['serve'], { ...env, PORT: '0',
      HOST: '127.0.0.1' });

    assert.is(result.status, 1);
    assert.equal(lines(result.stderr), [
      `certboost-lms-api: The tables are missing in schema "${schema}": ` +
        'run `certboost-lms-api migrate`.',
    ]);
  });

  test('migrate creates the schema, and a second run is a no-op', async () => {
    const first = await runCli(['migrate'], env);
    const second = await runCli(['migrate'], env);

    for (const result of [first, second]) {
      assert.is(result.status, 0, result.stderr);
      assert.is(result.stdout, '');
      assert.match(result.stderr, `Schema "${schema}"`);
    }
  });

  test('keys create prints the key and its keyId, nothing else', async () => {
    const result = await runCli(['keys', 'create', '--user', 'u-cli',
      '--permission', 'readwrite', '--name', 'CI bot'], env);
    const out = lines(result.stdout);

    assert.is(result.status, 0, result.stderr);
    assert.is(out.length, 2, result.stdout);
    assert.match(out[0]!, /^cbk_[\w-]{22,}$/);
    assert.match(out[1]!, /^\S+$/);
    assert.ok(result.stderr.includes(out[1]!), 'stderr names the keyId');
    assert.not.ok(result.stderr.includes(out[0]!), 'stderr shows the key');
    issued.push({ key: out[0]!, keyId: out[1]! });
  });

  test('the printed key works against serve until deactivated', async () => {
    const { key, keyId } = await createKey();
    // With the default 5 s key cache the deactivation would show only
    // after it; this test is about the CLI, the cache has its own tests.
    const server = await startServe({ ...env, LMS_KEY_CACHE_TTL_MS: '0' });
    const categories = `${server.apiUrl}/categories`;

    try {
      assert.is(await statusWithKey(categories, key), 200);
      assert.is(await statusWithKey(categories, `${key}x`), 401);

      const deactivate = await runCli(['keys', 'deactivate', keyId], env);

      assert.is(deactivate.status, 0, deactivate.stderr);
      assert.is(deactivate.stdout, '');
      assert.is(await statusWithKey(categories, key), 401);
    } finally {
      const stopped = await server.stop('SIGTERM');

      assert.is(stopped.status, 0, stopped.stderr);
      assert.match(stopped.stderr, /Stopped\./);
    }
  });

  test('keys list shows every key without a plaintext or digest', async () => {
    const table = await runCli(['keys', 'list', '--user', 'u-cli'], env);
    const rows = lines(table.stdout);

    assert.is(table.status, 0, table.stderr);
    assert.match(rows[0]!, /^KEY ID\s+NAME\s+PERMISSION\s+ACTIVE/);
    assert.is(rows.length, issued.length + 1);
    for (const { key, keyId } of issued) {
      assert.ok(table.stdout.includes(keyId), keyId);
      assert.not.ok(table.stdout.includes(key), 'a plaintext key is listed');
    }
    assert.match(table.stdout, /CI bot\s+ReadWrite\s+yes/);
    assert.match(table.stdout, /ReadOnly\s+no/);
  });

  test('keys list --json has the documented fields only', async () => {
    const result = await runCli(['keys', 'list', '--user', 'u-cli', '--json'],
      env);
    const keys = JSON.parse(result.stdout) as Record<string, unknown>[];
    const used = keys.find((k) => k.keyId === issued[1]!.keyId);

    assert.is(result.status, 0, result.stderr);
    assert.is(keys.length, issued.length);
    for (const key of keys) {
      assert.equal(Object.keys(key).sort(), ['createdAt', 'expiresAt',
        'isActive', 'keyId', 'lastUsedAt', 'name', 'permission', 'userId']);
    }
    assert.type(used?.lastUsedAt, 'string', 'serve recorded the first use');
  });

  test('keys create --json carries --expires and --name', async () => {
    const result = await runCli(['keys', 'create', '--user', 'u-cli',
      '--permission', 'Admin', '--name', 'temp', '--expires',
      '2099-06-30T12:00:00+02:00', '--json'], env);
    const created = JSON.parse(result.stdout) as Record<string, unknown>;

    assert.is(result.status, 0, result.stderr);
    assert.is(lines(result.stdout).length, 1);
    assert.match(String(created.key), /^cbk_/);
    assert.is(created.permission, 'Admin');
    assert.is(created.name, 'temp');
    assert.is(created.expiresAt, '2099-06-30T10:00:00Z');
    assert.not.ok('digest' in created);
  });

  test('keys deactivate of an unknown id exits 1 with one line', async () => {
    const result = await runCli(['keys', 'deactivate', 'key_unknown'], env);

    assert.is(result.status, 1);
    assert.is(result.stdout, '');
    assert.equal(lines(result.stderr),
      ['certboost-lms-api: No API key has the id key_unknown.']);
  });

  test('keys list for a user without keys prints nothing on stdout', async () => {
    const [table, json] = await Promise.all([
      runCli(['keys', 'list', '--user', 'nobody'], env),
      runCli(['keys', 'list', '--user', 'nobody', '--json'], env),
    ]);

    assert.is(table.status, 0, table.stderr);
    assert.is(table.stdout, '');
    assert.match(table.stderr, /has no API keys/);
    assert.equal(JSON.parse(json.stdout), []);
  });

  test.run();
});
