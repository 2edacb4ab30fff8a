/**
 * lms.keys as the host uses it, and the lastUsedAt bookkeeping that
 * requests drive.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';

import { suite } from 'uvu';

import {
  DEMO_USER_ID,
  OTHER_USER_ID,
  PREFIX,
  T0,
  makeHost,
  withKey,
  type Host,
} from '../support/http.js';

const SECOND = 1000;

/** SHA-256 hex, computed here rather than through the library. */
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

function callWith(host: Host, key: string) {
  return host.http().get(`${PREFIX}/categories`).set(withKey(key));
}

async function lastUsedAt(host: Host, keyId: string) {
  const keys = await host.lms.keys.list(DEMO_USER_ID);

  return keys.find((k) => k.keyId === keyId)?.lastUsedAt;
}

const test = suite('lms.keys');

test('create returns a cbk_ key with at least 128 random bits', async () => {
  const host = await makeHost();
  const keys = [...Object.values(host.keys.demo),
    ...Object.values(host.keys.other)];

  for (const key of keys) assert.match(key, /^cbk_[A-Za-z0-9_-]{22,}$/);
  assert.equal(new Set(keys).size, keys.length);
});

test('create returns the key record without its digest', async () => {
  const host = await makeHost();
  const expiresAt = new Date(T0.getTime() + 86_400_000);
  const { key, apiKey } = await host.lms.keys.create({
    userId: DEMO_USER_ID, permission: 'ReadWrite', name: 'CI bot', expiresAt,
  });

  assert.match(apiKey.keyId, /^key_/);
  assert.deepEqual(apiKey, {
    keyId: apiKey.keyId,
    userId: DEMO_USER_ID,
    name: 'CI bot',
    permission: 'ReadWrite',
    isActive: true,
    createdAt: T0,
    lastUsedAt: null,
    expiresAt,
  });
  assert.ok(!JSON.stringify(apiKey).includes(key));
});

test('list shows a user\'s keys without plaintexts or digests', async () => {
  const host = await makeHost();
  const listed = await host.lms.keys.list(DEMO_USER_ID);
  const text = JSON.stringify(listed);

  assert.deepEqual(listed.map((k) => k.permission).sort(),
    ['Admin', 'ReadOnly', 'ReadWrite']);
  for (const key of listed) {
    assert.deepEqual(Object.keys(key).sort(), ['createdAt', 'expiresAt',
      'isActive', 'keyId', 'lastUsedAt', 'name', 'permission', 'userId']);
    assert.equal(key.userId, DEMO_USER_ID);
  }
  for (const plaintext of Object.values(host.keys.demo)) {
    assert.ok(!text.includes(plaintext), 'plaintext listed');
    assert.ok(!text.includes(sha256(plaintext)), 'digest listed');
  }
});

test('the storage keeps only the SHA-256 digest of a key', async () => {
  const host = await makeHost();
  const { key, apiKey } = await host.lms.keys.create({
    userId: OTHER_USER_ID, permission: 'ReadOnly',
  });
  const stored = await host.storage.keys.findKeyByDigest(sha256(key));

  assert.equal(stored?.keyId, apiKey.keyId);
  assert.ok(!JSON.stringify(stored).includes(key));
});

test('deactivate turns a key off and reports unknown ids', async () => {
  const host = await makeHost();
  const [first] = await host.lms.keys.list(DEMO_USER_ID);

  assert.equal(await host.lms.keys.deactivate(first.keyId), true);
  assert.equal(await host.lms.keys.deactivate('key_missing'), false);

  const [after] = await host.lms.keys.list(DEMO_USER_ID);

  assert.equal(after.isActive, false);
});

const usage = suite('lastUsedAt');

usage('is set by a request once the usage is flushed', async () => {
  const host = await makeHost();
  const { key, apiKey } = await host.lms.keys.create({
    userId: DEMO_USER_ID, permission: 'ReadOnly',
  });

  host.clock.advance(5 * SECOND);
  assert.equal((await callWith(host, key)).status, 200);
  await host.lms.keys.flushUsage();

  assert.deepEqual(await lastUsedAt(host, apiKey.keyId),
    new Date(T0.getTime() + 5 * SECOND));
});

usage('does not move for a second request within a minute', async () => {
  const host = await makeHost();
  const { key, apiKey } = await host.lms.keys.create({
    userId: DEMO_USER_ID, permission: 'ReadOnly',
  });

  await callWith(host, key);
  await host.lms.keys.flushUsage();
  host.clock.advance(59 * SECOND);
  await callWith(host, key);
  await host.lms.keys.flushUsage();

  assert.deepEqual(await lastUsedAt(host, apiKey.keyId), T0);
});

usage('moves again once more than a minute has passed', async () => {
  const host = await makeHost();
  const { key, apiKey } = await host.lms.keys.create({
    userId: DEMO_USER_ID, permission: 'ReadOnly',
  });

  await callWith(host, key);
  await host.lms.keys.flushUsage();
  host.clock.advance(61 * SECOND);
  await callWith(host, key);
  await host.lms.keys.flushUsage();

  assert.deepEqual(await lastUsedAt(host, apiKey.keyId),
    new Date(T0.getTime() + 61 * SECOND));
});

usage('is not set by a rejected key or by another key', async () => {
  const host = await makeHost();
  const { key, apiKey } = await host.lms.keys.create({
    userId: DEMO_USER_ID, permission: 'ReadOnly',
  });

  await host.lms.keys.deactivate(apiKey.keyId);
  assert.equal((await callWith(host, key)).status, 401);
  assert.equal((await callWith(host, host.keys.demo.Admin)).status, 200);
  await host.lms.keys.flushUsage();

  assert.equal(await lastUsedAt(host, apiKey.keyId), null);
});

usage('is written by close() without an explicit flush', async () => {
  const host = await makeHost();
  const { key, apiKey } = await host.lms.keys.create({
    userId: DEMO_USER_ID, permission: 'ReadOnly',
  });

  await callWith(host, key);
  await host.lms.close();

  assert.deepEqual(await lastUsedAt(host, apiKey.keyId), T0);
});

test.run();
usage.run();
