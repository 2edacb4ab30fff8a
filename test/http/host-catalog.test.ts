/**
 * The split port: categories, users and attempts come from the host's own
 * data (examples/host-catalog), while keys, assignments and webhooks stay
 * in the memory adapter.
 */
import assert from 'node:assert/strict';

import supertest from 'supertest';
import { suite } from 'uvu';

import { createMemoryStorage } from '../../adapters/memory/index.js';
import { JANE, MAX } from '../../examples/host-catalog/existing-db.js';
import { createHostCatalogApp } from '../../examples/host-catalog/server.js';
import {
  MASTER_KEY,
  PREFIX,
  PUBLIC_URL,
  T0,
  claimOutbox,
  createClock,
  progressPath,
  subscribeToEverything,
  withKey,
} from '../support/http.js';

async function makeCatalogHost() {
  const clock = createClock();
  const storage = createMemoryStorage();
  const host = createHostCatalogApp({
    storage, masterKey: MASTER_KEY, publicUrl: PUBLIC_URL, now: clock.now,
    webhooks: { dispatch: false },
  });
  const { key: janeKey } = await host.lms.keys.create({
    userId: JANE, permission: 'ReadWrite',
  });
  const callback = host.app.callback();

  return { ...host, storage, clock, janeKey, http: () => supertest(callback) };
}

type CatalogHost = Awaited<ReturnType<typeof makeCatalogHost>>;

function get(host: CatalogHost, path: string, key = MASTER_KEY) {
  return host.http().get(path).set(withKey(key));
}

function assign(host: CatalogHost, body: object, key = MASTER_KEY) {
  return host.http().post(`${PREFIX}/assignments`).set(withKey(key))
    .send(body);
}

const test = suite('host-provided catalog');

test('lists the host\'s courses as categories', async () => {
  const host = await makeCatalogHost();
  const response = await get(host, `${PREFIX}/categories`);

  assert.equal(response.status, 200);
  assert.deepEqual(response.body, [
    { categoryId: 1, name: 'AWS Certified Solutions Architect',
      code: 'SAA-C03', description: 'Designing on AWS.', questionCount: 420,
      isActive: true },
    { categoryId: 42, name: 'Azure Fundamentals', code: 'AZ-900',
      description: 'Cloud concepts on Azure.', questionCount: 300,
      isActive: true },
  ]);
});

test('search and includeOff apply to the host\'s courses', async () => {
  const host = await makeCatalogHost();
  const byCode = await get(host, `${PREFIX}/categories?search=saa`);
  const retired = await get(host,
    `${PREFIX}/categories?includeOff=true&search=CLOUD`);

  assert.deepEqual(byCode.body.map((c: { categoryId: number }) =>
    c.categoryId), [1]);
  assert.deepEqual(retired.body.map((c: { categoryId: number }) =>
    c.categoryId), [7]);
  assert.equal(retired.body[0].isActive, false);
});

test('reads progress from the host\'s quiz results', async () => {
  const host = await makeCatalogHost();
  const response = await get(host, progressPath(JANE));

  assert.equal(response.status, 200);
  assert.deepEqual(response.body, {
    userId: JANE,
    fullName: 'Jane Doe',
    email: 'jane@acme.com',
    attempts: [
      { attemptId: 'quiz-3', categoryId: 42,
        categoryName: 'Azure Fundamentals', correct: 17, total: 20,
        percent: 85, source: 'simulation-exam',
        completedAt: '2026-03-09T07:15:00Z' },
      { attemptId: 'quiz-2', categoryId: 1,
        categoryName: 'AWS Certified Solutions Architect', correct: 30,
        total: 40, percent: 75, source: 'simulation-exam',
        completedAt: '2026-03-05T18:30:00Z' },
      { attemptId: 'quiz-1', categoryId: 42,
        categoryName: 'Azure Fundamentals', correct: 14, total: 20,
        percent: 70, source: 'practice',
        completedAt: '2026-03-02T09:00:00Z' },
    ],
    categoryAverages: [
      { categoryId: 1, categoryName: 'AWS Certified Solutions Architect',
        attempts: 1, averagePercent: 75 },
      { categoryId: 42, categoryName: 'Azure Fundamentals', attempts: 2,
        averagePercent: 77.5 },
    ],
  });
});

test('recent and fromUtc work on the host\'s data', async () => {
  const host = await makeCatalogHost();
  const response = await get(host,
    progressPath(JANE, '?recent=1&fromUtc=2026-03-05T18:30:00Z'));

  assert.equal(response.status, 200);
  assert.deepEqual(response.body.attempts.map(
    (a: { attemptId: string }) => a.attemptId), ['quiz-3']);
  assert.deepEqual(response.body.categoryAverages.map(
    (a: { categoryId: number; attempts: number }) =>
      [a.categoryId, a.attempts]), [[1, 1], [42, 1]]);
});

test('a result the host records later shows up without copying', async () => {
  const host = await makeCatalogHost();

  host.db.addQuizResult({ learnerId: MAX, courseId: 1, score: 23,
    maxScore: 80, mode: 'exam', finishedAt: '2026-04-01T10:00:00Z' });

  const response = await get(host, progressPath(MAX));

  assert.equal(response.body.fullName, 'Max Roe');
  assert.equal(response.body.attempts[0].percent, 28.8);
  assert.equal(response.body.categoryAverages[0].averagePercent, 28.8);
});

test('the adapter\'s own catalog stays empty', async () => {
  const host = await makeCatalogHost();

  await get(host, progressPath(JANE));
  await assign(host, { userId: JANE, categoryId: 42 });

  assert.equal(await host.storage.catalog.getUser(JANE), null);
  assert.deepEqual(
    await host.storage.catalog.listCategories({ includeInactive: true }), []);
});

test('an unknown learner is a 404', async () => {
  const host = await makeCatalogHost();
  const response = await get(host, progressPath('learner-9999'));

  assert.equal(response.status, 404);
  assert.deepEqual(response.body, { error: 'Unknown userId.' });
});

test('assignments check users and categories in the host catalog',
  async () => {
    const host = await makeCatalogHost();

    // Known only to the adapter's catalog, which the API must not consult.
    await host.storage.catalog.upsertUser({ userId: 'adapter-only',
      fullName: 'A', email: 'a@example.com' });

    const created = await assign(host, { userId: JANE, categoryId: 42 });
    const unknownUser = await assign(host,
      { userId: 'adapter-only', categoryId: 42 });
    const unknownCategory = await assign(host, { userId: JANE, categoryId: 99 });

    assert.equal(created.status, 201);
    assert.equal(created.body.userId, JANE);
    assert.deepEqual(unknownUser.body, { error: 'Unknown userId.' });
    assert.equal(unknownUser.status, 404);
    assert.deepEqual(unknownCategory.body, { error: 'Unknown categoryId.' });
    assert.equal(unknownCategory.status, 404);
  });

test('assignments and their events are stored in the adapter', async () => {
  const host = await makeCatalogHost();

  await subscribeToEverything(host.storage, T0);

  const response = await assign(host, { userId: JANE, categoryId: 1 },
    host.janeKey);
  const stored = await host.storage.assignments.getAssignment(
    response.body.assignmentId);
  const claims = await claimOutbox(host.storage, host.clock.now());

  assert.equal(response.status, 201);
  assert.equal(stored?.userId, JANE);
  assert.equal(claims.length, 1);
  assert.equal(claims[0].event.type, 'assignment.created');
  assert.deepEqual(claims[0].event.data, response.body);
});

test('attempts kept by the host are announced to webhooks', async () => {
  const host = await makeCatalogHost();
  const completedAt = new Date('2026-04-01T10:00:00.000Z');

  await subscribeToEverything(host.storage, T0);
  await host.lms.attempts.announce({
    attemptId: 'result-77', userId: JANE, categoryId: 42,
    categoryName: 'Azure Fundamentals', correct: 17, total: 20,
    source: 'practice', completedAt,
  });

  const claims = await claimOutbox(host.storage, host.clock.now());

  assert.equal(claims.length, 1);
  assert.equal(claims[0].event.type, 'attempt.completed');
  assert.equal(claims[0].event.userId, JANE);
  assert.deepEqual(claims[0].event.data, {
    attemptId: 'result-77', userId: JANE, categoryId: 42,
    categoryName: 'Azure Fundamentals', correct: 17, total: 20,
    percent: 85, source: 'practice', completedAt: '2026-04-01T10:00:00Z',
  });
  await assert.rejects(
    host.lms.attempts.announce({
      attemptId: '', userId: JANE, categoryId: 42, categoryName: 'x',
      correct: 1, total: 2, source: 'practice', completedAt,
    }),
    /attempts\.announce: `attemptId`/,
  );
});

test('catalog writes through the plugin are refused', async () => {
  const host = await makeCatalogHost();

  await assert.rejects(
    host.lms.users.upsert({ userId: 'u', fullName: 'U', email: 'u@x.io' }),
    /users\.upsert: the catalog is served by the host/,
  );
  await assert.rejects(
    host.lms.attempts.record({ userId: JANE, categoryId: 42, correct: 1,
      total: 2, source: 'practice' }),
    /attempts\.record: the catalog is served by the host/,
  );
});

test('user keys are still scoped to their own learner', async () => {
  const host = await makeCatalogHost();
  const own = await get(host, progressPath(JANE), host.janeKey);
  const other = await get(host, progressPath(MAX), host.janeKey);
  const assignOther = await assign(host, { userId: MAX, categoryId: 42 },
    host.janeKey);

  assert.equal(own.status, 200);
  assert.equal(other.status, 403);
  assert.equal(assignOther.status, 403);
});

test('the host\'s own route reads the same data', async () => {
  const host = await makeCatalogHost();
  const response = await host.http().get(`/learners/${JANE}`);

  assert.equal(response.status, 200);
  assert.equal(response.body.learner.firstName, 'Jane');
  assert.equal(response.body.results.length, 3);
});

test.run();
