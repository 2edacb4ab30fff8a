/**
 * GET {prefix}/categories over the demo catalog: five categories, of which
 * "Google Cloud Digital Leader" (7) is inactive.
 */
import assert from 'node:assert/strict';

import { suite } from 'uvu';

import { makeHost, PREFIX, withKey, type Host } from '../support/http.js';

const ACTIVE_BY_NAME = [2, 1, 43, 42];

async function list(host: Host, query = '') {
  return host.http()
    .get(`${PREFIX}/categories${query}`)
    .set(withKey(host.masterKey));
}

const ids = (body: { categoryId: number }[]) => body.map((c) => c.categoryId);

const test = suite('GET /api/lms/v1/categories');

test('returns a bare array of active categories ordered by name', async () => {
  const response = await list(await makeHost());

  assert.equal(response.status, 200);
  assert.match(response.headers['content-type'], /^application\/json/);
  assert.ok(Array.isArray(response.body));
  assert.deepEqual(ids(response.body), ACTIVE_BY_NAME);
});

test('returns every field with the reference casing', async () => {
  const response = await list(await makeHost(), '?search=AZ-900');

  assert.deepEqual(response.body, [{
    categoryId: 42,
    name: 'Azure Fundamentals',
    code: 'AZ-900',
    description: 'Practice questions for Azure Fundamentals.',
    questionCount: 300,
    isActive: true,
  }]);
});

test('search matches the name case-insensitively', async () => {
  const response = await list(await makeHost(), '?search=aws');

  assert.equal(response.status, 200);
  assert.deepEqual(ids(response.body), [2, 1]);
});

test('search matches a substring of the code', async () => {
  const response = await list(await makeHost(), '?search=z-1');

  assert.deepEqual(ids(response.body), [43]);
});

test('search with no match returns an empty array', async () => {
  const response = await list(await makeHost(), '?search=kubernetes');

  assert.equal(response.status, 200);
  assert.deepEqual(response.body, []);
});

test('an empty search lists everything active', async () => {
  const response = await list(await makeHost(), '?search=');

  assert.deepEqual(ids(response.body), ACTIVE_BY_NAME);
});

test('includeOff=true adds inactive categories in name order', async () => {
  const response = await list(await makeHost(), '?includeOff=true');

  assert.equal(response.status, 200);
  assert.deepEqual(ids(response.body), [...ACTIVE_BY_NAME, 7]);
  assert.equal(response.body.at(-1).isActive, false);
});

test('includeOff=false lists active categories only', async () => {
  const response = await list(await makeHost(), '?includeOff=false');

  assert.deepEqual(ids(response.body), ACTIVE_BY_NAME);
});

test('search and includeOff combine', async () => {
  const host = await makeHost();
  const hidden = await list(host, '?search=GCP');
  const shown = await list(host, '?search=GCP&includeOff=true');

  assert.deepEqual(hidden.body, []);
  assert.deepEqual(ids(shown.body), [7]);
});

test('includeOff=maybe is a 400 naming the parameter', async () => {
  const response = await list(await makeHost(), '?includeOff=maybe');

  assert.equal(response.status, 400);
  assert.deepEqual(Object.keys(response.body), ['error']);
  assert.match(response.body.error, /includeOff/);
});

test('a repeated search parameter is a 400 naming it', async () => {
  const response = await list(await makeHost(), '?search=aws&search=azure');

  assert.equal(response.status, 400);
  assert.match(response.body.error, /search/);
});

test('a ReadOnly user key may list categories', async () => {
  const host = await makeHost();
  const response = await host.http()
    .get(`${PREFIX}/categories`)
    .set(withKey(host.keys.other.ReadOnly));

  assert.equal(response.status, 200);
  assert.deepEqual(ids(response.body), ACTIVE_BY_NAME);
});

test('reflects categories upserted after startup', async () => {
  const host = await makeHost();

  await host.lms.categories.upsert({
    categoryId: 99,
    name: 'AAA First Aid',
    code: 'FA-1',
    description: '',
    questionCount: 0,
    isActive: true,
  });

  const response = await list(host);

  assert.deepEqual(ids(response.body), [99, ...ACTIVE_BY_NAME]);
});

test.run();
