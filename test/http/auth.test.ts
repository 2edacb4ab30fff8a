/**
 * Authentication and authorisation on every route under the prefix: where
 * the key may travel, which keys count, and what each permission allows.
 */
import assert from 'node:assert/strict';

import { suite } from 'uvu';
import type supertest from 'supertest';

import type { Permission } from '../../src/index.js';
import {
  DEMO_USER_ID,
  OTHER_USER_ID,
  PREFIX,
  makeHost,
  progressPath,
  withKey,
  type Host,
} from '../support/http.js';

const CHALLENGE = 'Bearer realm="CertBoost LMS API"';
const CATEGORIES = `${PREFIX}/categories`;
const HOUR = 60 * 60 * 1000;

function assertUnauthorized(response: supertest.Response, error: string) {
  assert.equal(response.status, 401);
  assert.equal(response.headers['www-authenticate'], CHALLENGE);
  assert.deepEqual(response.body, { error });
}

/** One request per core route, made for `userId` with `key`. */
const ROUTES: {
  name: string;
  needs: Permission;
  call(host: Host, key: string, userId: string): supertest.Test;
}[] = [
  {
    name: 'GET directory',
    needs: 'ReadOnly',
    call: (host, key) => host.http().get(PREFIX).set(withKey(key)),
  },
  {
    name: 'GET categories',
    needs: 'ReadOnly',
    call: (host, key) => host.http().get(CATEGORIES).set(withKey(key)),
  },
  {
    name: 'GET progress',
    needs: 'ReadOnly',
    call: (host, key, userId) =>
      host.http().get(progressPath(userId)).set(withKey(key)),
  },
  {
    name: 'POST assignments',
    needs: 'ReadWrite',
    call: (host, key, userId) => host.http()
      .post(`${PREFIX}/assignments`)
      .set(withKey(key))
      .send({ userId, categoryId: 42 }),
  },
];

const RANK: Record<Permission, number> = { ReadOnly: 0, ReadWrite: 1, Admin: 2 };

const test = suite('authentication');

test('accepts the key in the X-CertBoost-Key header', async () => {
  const host = await makeHost();

  for (const key of [host.masterKey, host.keys.demo.ReadOnly]) {
    const response = await host.http().get(CATEGORIES)
      .set('X-CertBoost-Key', key);

    assert.equal(response.status, 200);
  }
});

test('accepts the key as an Authorization Bearer token', async () => {
  const host = await makeHost();

  for (const key of [host.masterKey, host.keys.demo.ReadOnly]) {
    const upper = await host.http().get(CATEGORIES)
      .set('Authorization', `Bearer ${key}`);
    const lower = await host.http().get(CATEGORIES)
      .set('Authorization', `bearer ${key}`);

    assert.equal(upper.status, 200);
    assert.equal(lower.status, 200);
  }
});

test('accepts the key in the api_key query parameter', async () => {
  const host = await makeHost();

  for (const key of [host.masterKey, host.keys.demo.ReadOnly]) {
    const response = await host.http()
      .get(`${CATEGORIES}?api_key=${encodeURIComponent(key)}&search=aws`);

    assert.equal(response.status, 200);
    assert.equal(response.body.length, 2);
  }
});

test('the header wins over a Bearer token and the query', async () => {
  const host = await makeHost();
  const good = host.masterKey;
  const bearerIgnored = await host.http().get(CATEGORIES)
    .set(withKey(good)).set('Authorization', 'Bearer cbk_wrong');
  const badHeaderGoodBearer = await host.http().get(CATEGORIES)
    .set(withKey('cbk_wrong')).set('Authorization', `Bearer ${good}`);
  const badHeaderGoodQuery = await host.http()
    .get(`${CATEGORIES}?api_key=${good}`).set(withKey('cbk_wrong'));

  assert.equal(bearerIgnored.status, 200);
  assertUnauthorized(badHeaderGoodBearer, 'Invalid or inactive API key.');
  assertUnauthorized(badHeaderGoodQuery, 'Invalid or inactive API key.');
});

test('a Bearer token wins over the query', async () => {
  const host = await makeHost();
  const response = await host.http()
    .get(`${CATEGORIES}?api_key=${host.masterKey}`)
    .set('Authorization', 'Bearer cbk_wrong');

  assertUnauthorized(response, 'Invalid or inactive API key.');
});

test('a custom keyHeader replaces X-CertBoost-Key', async () => {
  const host = await makeHost({ keyHeader: 'X-Api-Key' });
  const custom = await host.http().get(CATEGORIES)
    .set('X-Api-Key', host.keys.demo.ReadOnly);
  const defaultHeader = await host.http().get(CATEGORIES)
    .set('X-CertBoost-Key', host.keys.demo.ReadOnly);
  const bearer = await host.http().get(CATEGORIES)
    .set('Authorization', `Bearer ${host.masterKey}`);

  assert.equal(custom.status, 200);
  assertUnauthorized(defaultHeader, 'Missing API key.');
  assert.equal(bearer.status, 200);
});

test('a request without a key is a 401 with a challenge', async () => {
  const host = await makeHost();

  for (const path of [PREFIX, CATEGORIES, progressPath(DEMO_USER_ID)]) {
    assertUnauthorized(await host.http().get(path), 'Missing API key.');
  }
});

test('an empty key in every location counts as missing', async () => {
  const host = await makeHost();
  const response = await host.http().get(`${CATEGORIES}?api_key=`)
    .set('X-CertBoost-Key', '').set('Authorization', 'Bearer ');

  assertUnauthorized(response, 'Missing API key.');
});

test('an unknown key is a 401', async () => {
  const host = await makeHost();

  for (const key of ['cbk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'letmein',
    `${host.masterKey}x`, host.keys.demo.ReadOnly.slice(0, -1)]) {
    const response = await host.http().get(CATEGORIES).set(withKey(key));

    assertUnauthorized(response, 'Invalid or inactive API key.');
  }
});

test('a deactivated key is a 401 like an unknown one', async () => {
  const host = await makeHost();
  const { key, apiKey } = await host.lms.keys.create({
    userId: DEMO_USER_ID, permission: 'Admin',
  });
  const before = await host.http().get(CATEGORIES).set(withKey(key));

  assert.equal(await host.lms.keys.deactivate(apiKey.keyId), true);

  const after = await host.http().get(CATEGORIES).set(withKey(key));

  assert.equal(before.status, 200);
  assertUnauthorized(after, 'Invalid or inactive API key.');
});

test('a key deactivated by another process stops within the cache TTL',
  async () => {
    const host = await makeHost({ keyCacheTtlMs: 5000 });
    const { key, apiKey } = await host.lms.keys.create({
      userId: DEMO_USER_ID, permission: 'ReadOnly',
    });
    const call = () => host.http().get(CATEGORIES).set(withKey(key));

    assert.equal((await call()).status, 200);

    // The CLI or another instance writes straight to the shared storage.
    await host.storage.keys.deactivateKey(apiKey.keyId);
    const cached = await call();

    host.clock.advance(5001);
    const expired = await call();

    assert.equal(cached.status, 200);
    assertUnauthorized(expired, 'Invalid or inactive API key.');
  });

test('without the cache a deactivation elsewhere is seen at once',
  async () => {
    const host = await makeHost({ keyCacheTtlMs: 0 });
    const { key, apiKey } = await host.lms.keys.create({
      userId: DEMO_USER_ID, permission: 'ReadOnly',
    });

    await host.storage.keys.deactivateKey(apiKey.keyId);

    const response = await host.http().get(CATEGORIES).set(withKey(key));

    assertUnauthorized(response, 'Invalid or inactive API key.');
  });

test('a key is a 401 from the instant it expires', async () => {
  const host = await makeHost();
  const expiresAt = new Date(host.clock.now().getTime() + HOUR);
  const { key } = await host.lms.keys.create({
    userId: DEMO_USER_ID, permission: 'ReadOnly', expiresAt,
  });
  const fresh = await host.http().get(CATEGORIES).set(withKey(key));

  host.clock.advance(HOUR - 1);

  const lastMoment = await host.http().get(CATEGORIES).set(withKey(key));

  host.clock.advance(1);

  const expired = await host.http().get(CATEGORIES).set(withKey(key));

  assert.equal(fresh.status, 200);
  assert.equal(lastMoment.status, 200);
  assertUnauthorized(expired, 'API key has expired.');
});

test('without a masterKey option only user keys work', async () => {
  const host = await makeHost({ masterKey: undefined });
  const master = await host.http().get(CATEGORIES).set(withKey('anything-goes'));
  const user = await host.http().get(CATEGORIES)
    .set(withKey(host.keys.demo.ReadOnly));

  assertUnauthorized(master, 'Invalid or inactive API key.');
  assert.equal(user.status, 200);
});

const permissions = suite('permissions');

for (const held of ['ReadOnly', 'ReadWrite', 'Admin'] as const) {
  for (const route of ROUTES) {
    const allowed = RANK[held] >= RANK[route.needs];

    permissions(`a ${held} key ${allowed ? 'may' : 'may not'} ${route.name}`,
      async () => {
        const host = await makeHost();
        const response = await route.call(host, host.keys.demo[held],
          DEMO_USER_ID);

        if (allowed) {
          assert.ok(response.status >= 200 && response.status < 300,
            `status ${response.status}: ${response.text}`);
        } else {
          assert.equal(response.status, 403);
          assert.equal(response.headers['www-authenticate'], undefined);
          assert.deepEqual(response.body, {
            error: `This key has ${held} permission; this endpoint needs ` +
              `${route.needs}.`,
          });
        }
      });
  }
}

permissions('the master key may call every route for any user', async () => {
  const host = await makeHost();

  for (const route of ROUTES) {
    for (const userId of [DEMO_USER_ID, OTHER_USER_ID]) {
      const response = await route.call(host, host.masterKey, userId);

      assert.ok(response.status >= 200 && response.status < 300,
        `${route.name} for ${userId}: ${response.status}`);
    }
  }
});

permissions('a user key of any level may not read another user\'s progress',
  async () => {
    const host = await makeHost();

    for (const key of Object.values(host.keys.demo)) {
      const response = await host.http()
        .get(progressPath(OTHER_USER_ID)).set(withKey(key));

      assert.equal(response.status, 403);
      assert.deepEqual(response.body,
        { error: "This key may only read its own user's progress." });
    }
  });

permissions('a user key is refused another user\'s progress even if unknown',
  async () => {
    const host = await makeHost();
    const response = await host.http()
      .get(progressPath('no-such-user')).set(withKey(host.keys.demo.Admin));

    assert.equal(response.status, 403);
  });

permissions('a user key may not create an assignment for another user',
  async () => {
    const host = await makeHost();

    for (const key of [host.keys.demo.ReadWrite, host.keys.demo.Admin]) {
      const response = await host.http()
        .post(`${PREFIX}/assignments`)
        .set(withKey(key))
        .send({ userId: OTHER_USER_ID, categoryId: 42 });

      assert.equal(response.status, 403);
      assert.deepEqual(response.body,
        { error: 'This key may only create assignments for its own user.' });
    }
  });

test.run();
permissions.run();
