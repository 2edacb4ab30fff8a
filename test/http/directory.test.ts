/**
 * GET {prefix}: the directory of the API.
 */
import assert from 'node:assert/strict';

import { suite } from 'uvu';

import type { RouteSpec } from '../../src/index.js';
import { makeHost, PREFIX, PUBLIC_URL, withKey } from '../support/http.js';

/** What the directory must list, derived from the routes the plugin serves. */
function expectedEndpoints(routes: readonly RouteSpec[], prefix: string) {
  return routes
    .filter((route) => !(route as { hidden?: boolean }).hidden)
    .map((route) => ({
      method: route.method,
      path: prefix + route.path,
      permission: route.permission ?? 'None',
      description: route.description,
    }));
}

const test = suite('GET /api/lms/v1 (directory)');

test('describes the service, version and docs URL', async () => {
  const { http, masterKey } = await makeHost();
  const response = await http().get(PREFIX).set(withKey(masterKey));

  assert.equal(response.status, 200);
  assert.match(response.headers['content-type'], /^application\/json/);
  assert.equal(response.body.service, 'CertBoost LMS API');
  assert.equal(response.body.version, 'v1');
  assert.equal(response.body.docs, `${PUBLIC_URL}${PREFIX}/docs`);
  assert.deepEqual(Object.keys(response.body).sort(),
    ['docs', 'endpoints', 'service', 'version']);
});

test('lists exactly the endpoints the routes describe', async () => {
  const { http, lms, masterKey } = await makeHost();
  const response = await http().get(PREFIX).set(withKey(masterKey));

  assert.equal(response.status, 200);
  assert.deepEqual(response.body.endpoints,
    expectedEndpoints(lms.routes, PREFIX));
});

test('lists the core endpoints with their permissions', async () => {
  const { http, masterKey } = await makeHost();
  const response = await http().get(PREFIX).set(withKey(masterKey));
  const listed = response.body.endpoints.map(
    (e: { method: string; path: string; permission: string }) =>
      `${e.method} ${e.path} ${e.permission}`,
  );

  for (const line of [
    `GET ${PREFIX} ReadOnly`,
    `GET ${PREFIX}/categories ReadOnly`,
    `GET ${PREFIX}/users/{userId}/progress ReadOnly`,
    `POST ${PREFIX}/assignments ReadWrite`,
  ]) {
    assert.ok(listed.includes(line), `missing ${line}`);
  }
});

test('answers the same with a trailing slash', async () => {
  const { http, masterKey } = await makeHost();
  const bare = await http().get(PREFIX).set(withKey(masterKey));
  const slashed = await http().get(`${PREFIX}/`).set(withKey(masterKey));

  assert.equal(slashed.status, 200);
  assert.deepEqual(slashed.body, bare.body);
});

test('is readable with a ReadOnly user key', async () => {
  const { http, keys } = await makeHost();
  const response = await http().get(PREFIX).set(withKey(keys.demo.ReadOnly));

  assert.equal(response.status, 200);
  assert.equal(response.body.version, 'v1');
});

test('follows a custom prefix, service name and public URL', async () => {
  const prefix = '/lms/api';
  const { http, lms, masterKey } = await makeHost({
    prefix,
    serviceName: 'Acme Learning API',
    publicUrl: 'https://learn.acme.test/',
  });
  const response = await http().get(prefix).set(withKey(masterKey));

  assert.equal(response.status, 200);
  assert.equal(response.body.service, 'Acme Learning API');
  assert.equal(response.body.docs, 'https://learn.acme.test/lms/api/docs');
  assert.deepEqual(response.body.endpoints, expectedEndpoints(lms.routes, prefix));
  assert.equal(lms.prefix, prefix);
});

test.run();
