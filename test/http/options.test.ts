/**
 * createLmsApi options: bad ones throw a TypeError naming the option at
 * construction; good ones are copied, never mutated, and take effect.
 */
import assert from 'node:assert/strict';

import { suite } from 'uvu';

import { createMemoryStorage } from '../../adapters/memory/index.js';
import { createLmsApi, type LmsApiOptions } from '../../src/index.js';
import {
  DEMO_USER_ID,
  MASTER_KEY,
  PUBLIC_URL,
  makeHost,
  progressPath,
  withKey,
} from '../support/http.js';

function valid(): LmsApiOptions {
  return {
    storage: createMemoryStorage(),
    masterKey: MASTER_KEY,
    publicUrl: PUBLIC_URL,
  };
}

/** Asserts construction throws a TypeError whose message names `option`. */
function assertRejected(options: unknown, option: string) {
  assert.throws(
    () => createLmsApi(options as LmsApiOptions),
    (error: unknown) =>
      error instanceof TypeError && error.message.includes(`\`${option}\``),
    `expected a TypeError naming ${option}`,
  );
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const nested of Object.values(value)) deepFreeze(nested);
  }

  return value;
}

const test = suite('createLmsApi options');

test('missing options or storage throw naming them', () => {
  assertRejected(undefined, 'options');
  assertRejected({ ...valid(), storage: undefined }, 'storage');
  assertRejected({ ...valid(), storage: {} }, 'storage');
  assertRejected({ ...valid(), storage: { catalog: {} } }, 'storage');
});

test('a bad publicUrl throws naming it', () => {
  for (const publicUrl of [undefined, '', 'lms.example.com', '/relative',
    'ftp://lms.example.com', 42]) {
    assertRejected({ ...valid(), publicUrl }, 'publicUrl');
  }
});

test('a bad prefix throws naming it', () => {
  for (const prefix of ['', '/', 'api/lms', '/api/lms/', '/api lms',
    '/api//lms', 7]) {
    assertRejected({ ...valid(), prefix }, 'prefix');
  }
});

test('a short or non-string masterKey throws naming it', () => {
  for (const masterKey of ['', 'short', '       x', 12345678]) {
    assertRejected({ ...valid(), masterKey }, 'masterKey');
  }
});

test('a bad bodyLimitBytes throws naming it', () => {
  for (const bodyLimitBytes of [0, -1, 1.5, '64kb', Number.NaN,
    Number.POSITIVE_INFINITY]) {
    assertRejected({ ...valid(), bodyLimitBytes }, 'bodyLimitBytes');
  }
});

test('a bad keyCacheTtlMs throws naming it; 0 is allowed', () => {
  for (const keyCacheTtlMs of [-1, 1.5, '5s', Number.NaN]) {
    assertRejected({ ...valid(), keyCacheTtlMs }, 'keyCacheTtlMs');
  }
  assert.doesNotThrow(() => createLmsApi({ ...valid(), keyCacheTtlMs: 0 }));
});

test('a non-function launchUrl throws naming it', () => {
  for (const launchUrl of ['https://x.test/{id}', 42, {}]) {
    assertRejected({ ...valid(), launchUrl }, 'launchUrl');
  }
});

test('a bad keyHeader or serviceName throws naming it', () => {
  assertRejected({ ...valid(), keyHeader: 'X Key' }, 'keyHeader');
  assertRejected({ ...valid(), keyHeader: '' }, 'keyHeader');
  assertRejected({ ...valid(), serviceName: '' }, 'serviceName');
});

test('the options object is neither mutated nor kept', async () => {
  const options = deepFreeze({
    ...valid(),
    storage: createMemoryStorage(),
    prefix: '/lms',
    keyUsage: { flushIntervalMs: 500 },
  });
  const before = { ...options, keyUsage: { ...options.keyUsage } };
  const lms = createLmsApi(options);

  assert.deepEqual(options, before);
  assert.equal(lms.prefix, '/lms');
  await lms.close();
});

test('a trailing slash on publicUrl does not double in links', async () => {
  const host = await makeHost({ publicUrl: 'https://lms.example.com/' });
  const response = await host.http()
    .post('/api/lms/v1/assignments')
    .set(withKey(host.masterKey))
    .send({ userId: DEMO_USER_ID, categoryId: 42 });

  assert.equal(response.body.launchUrl,
    `https://lms.example.com/Learning/Assignment/${response.body.assignmentId}`);
});

test('a custom prefix moves every route and frees the default', async () => {
  const host = await makeHost({ prefix: '/training/api' });
  const moved = await host.http()
    .get(`/training/api/users/${DEMO_USER_ID}/progress`)
    .set(withKey(host.masterKey));
  const old = await host.http()
    .get(progressPath(DEMO_USER_ID))
    .set(withKey(host.masterKey));

  assert.equal(moved.status, 200);
  assert.equal(moved.body.userId, DEMO_USER_ID);
  assert.equal(old.status, 404);
  assert.match(old.headers['content-type'], /^text\/plain/);
});

test('a custom serviceName names the service and the auth realm', async () => {
  const host = await makeHost({ serviceName: 'Acme Learning API' });
  const directory = await host.http().get('/api/lms/v1')
    .set(withKey(host.masterKey));
  const denied = await host.http().get('/api/lms/v1');

  assert.equal(directory.body.service, 'Acme Learning API');
  assert.equal(denied.headers['www-authenticate'],
    'Bearer realm="Acme Learning API"');
});

test.run();
