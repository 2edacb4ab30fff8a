/**
 * GET {prefix}/users/{userId}/progress on a history built for the purpose:
 * the mean of the attempts' percents differs from correct/total summed,
 * and several percents sit exactly on a rounding boundary.
 */
import assert from 'node:assert/strict';

import { suite } from 'uvu';

import {
  DEMO_USER_ID,
  OTHER_USER_ID,
  T0,
  makeHost,
  progressPath,
  withKey,
  type Host,
} from '../support/http.js';

const DAY = 24 * 60 * 60 * 1000;
const daysAgo = (days: number) => new Date(T0.getTime() - days * DAY);
const iso = (date: Date) => date.toISOString().replace('.000Z', 'Z');

/** [days ago, categoryId, correct, total, source], oldest first. */
const HISTORY = [
  [10, 10, 1, 2, 'practice'], // 50
  [9, 20, 23, 80, 'simulation-exam'], // 28.75 → 28.8
  [8, 10, 9, 10, 'practice'], // 90
  [5, 20, 1, 8, 'practice'], // 12.5
  [3, 10, 1, 3, 'simulation-exam'], // 33.33… → 33.3
  [1, 20, 1, 4, 'practice'], // 25
] as const;

interface Fixture {
  host: Host;
  /** attemptIds in HISTORY order. */
  attemptIds: string[];
}

async function seedHistory(): Promise<Fixture> {
  const host = await makeHost({ seed: false });
  const { lms } = host;

  for (const [categoryId, name] of [[10, 'Alpha'], [20, 'Beta']] as const) {
    await lms.categories.upsert({
      categoryId, name, code: name.toUpperCase(), description: '',
      questionCount: 100, isActive: true,
    });
  }
  await lms.users.upsert({
    userId: DEMO_USER_ID, fullName: 'Jane Doe', email: 'jane@acme.com',
  });
  await lms.users.upsert({
    userId: OTHER_USER_ID, fullName: 'Max Roe', email: 'max@acme.com',
  });

  const attemptIds: string[] = [];

  for (const [days, categoryId, correct, total, source] of HISTORY) {
    const attempt = await lms.attempts.record({
      userId: DEMO_USER_ID, categoryId, correct, total, source,
      completedAt: daysAgo(days),
    });

    attemptIds.push(attempt.attemptId);
  }

  return { host, attemptIds };
}

function get(host: Host, userId: string, query = '') {
  return host.http()
    .get(progressPath(userId, query))
    .set(withKey(host.masterKey));
}

const attemptIdsOf = (body: { attempts: { attemptId: string }[] }) =>
  body.attempts.map((a) => a.attemptId);

/** attemptIds of HISTORY rows by index, newest first. */
const newestFirst = (fixture: Fixture, ...indexes: number[]) =>
  indexes.map((i) => fixture.attemptIds[i]);

const test = suite('GET /api/lms/v1/users/{userId}/progress');

test('returns the whole snapshot with the reference fields', async () => {
  const fixture = await seedHistory();
  const response = await get(fixture.host, DEMO_USER_ID);
  const id = (i: number) => fixture.attemptIds[i];

  assert.equal(response.status, 200);
  assert.match(response.headers['content-type'], /^application\/json/);
  assert.deepEqual(response.body, {
    userId: DEMO_USER_ID,
    fullName: 'Jane Doe',
    email: 'jane@acme.com',
    attempts: [
      { attemptId: id(5), categoryId: 20, categoryName: 'Beta', correct: 1,
        total: 4, percent: 25, source: 'practice',
        completedAt: iso(daysAgo(1)) },
      { attemptId: id(4), categoryId: 10, categoryName: 'Alpha', correct: 1,
        total: 3, percent: 33.3, source: 'simulation-exam',
        completedAt: iso(daysAgo(3)) },
      { attemptId: id(3), categoryId: 20, categoryName: 'Beta', correct: 1,
        total: 8, percent: 12.5, source: 'practice',
        completedAt: iso(daysAgo(5)) },
      { attemptId: id(2), categoryId: 10, categoryName: 'Alpha', correct: 9,
        total: 10, percent: 90, source: 'practice',
        completedAt: iso(daysAgo(8)) },
      { attemptId: id(1), categoryId: 20, categoryName: 'Beta', correct: 23,
        total: 80, percent: 28.8, source: 'simulation-exam',
        completedAt: iso(daysAgo(9)) },
      { attemptId: id(0), categoryId: 10, categoryName: 'Alpha', correct: 1,
        total: 2, percent: 50, source: 'practice',
        completedAt: iso(daysAgo(10)) },
    ],
    categoryAverages: [
      // (50 + 90 + 33.33…) / 3; correct/total pooled would be 73.3
      { categoryId: 10, categoryName: 'Alpha', attempts: 3, averagePercent: 57.8 },
      // (28.75 + 12.5 + 25) / 3; pooled would be 27.2
      { categoryId: 20, categoryName: 'Beta', attempts: 3, averagePercent: 22.1 },
    ],
  });
});

test('rounds a percent that sits on .x5 up, not down', async () => {
  const { host } = await seedHistory();

  const cases = [
    [23, 80, 28.8], [41, 80, 51.3], [51, 80, 63.8], [1, 16, 6.3],
  ] as const;

  for (const [index, [correct, total, percent]] of cases.entries()) {
    await host.lms.attempts.record({
      userId: OTHER_USER_ID, categoryId: 10, correct, total,
      source: 'practice', completedAt: new Date(T0.getTime() + index * 1000),
    });

    const response = await get(host, OTHER_USER_ID, '?recent=1');

    assert.equal(response.body.attempts[0].percent, percent,
      `${correct}/${total}`);
  }
});

test('an average of one attempt equals that attempt\'s percent', async () => {
  const { host } = await seedHistory();

  await host.lms.attempts.record({
    userId: OTHER_USER_ID, categoryId: 20, correct: 23, total: 80,
    source: 'practice', completedAt: T0,
  });

  const response = await get(host, OTHER_USER_ID);

  assert.equal(response.body.attempts[0].percent, 28.8);
  assert.deepEqual(response.body.categoryAverages, [
    { categoryId: 20, categoryName: 'Beta', attempts: 1, averagePercent: 28.8 },
  ]);
});

test('recent=N returns the N newest attempts', async () => {
  const fixture = await seedHistory();
  const response = await get(fixture.host, DEMO_USER_ID, '?recent=2');

  assert.equal(response.status, 200);
  assert.deepEqual(attemptIdsOf(response.body), newestFirst(fixture, 5, 4));
});

test('recent does not trim the category averages', async () => {
  const fixture = await seedHistory();
  const all = await get(fixture.host, DEMO_USER_ID);
  const recent = await get(fixture.host, DEMO_USER_ID, '?recent=1');

  assert.equal(recent.body.attempts.length, 1);
  assert.deepEqual(recent.body.categoryAverages, all.body.categoryAverages);
});

test('recent larger than the history returns every attempt', async () => {
  const fixture = await seedHistory();
  const response = await get(fixture.host, DEMO_USER_ID, '?recent=500');

  assert.deepEqual(attemptIdsOf(response.body),
    newestFirst(fixture, 5, 4, 3, 2, 1, 0));
});

test('fromUtc keeps attempts at or after the instant', async () => {
  const fixture = await seedHistory();
  const from = encodeURIComponent(daysAgo(5).toISOString());
  const response = await get(fixture.host, DEMO_USER_ID, `?fromUtc=${from}`);

  assert.equal(response.status, 200);
  assert.deepEqual(attemptIdsOf(response.body), newestFirst(fixture, 5, 4, 3));
});

test('fromUtc one millisecond later drops the attempt at the boundary', async () => {
  const fixture = await seedHistory();
  const from = new Date(daysAgo(5).getTime() + 1).toISOString();
  const response = await get(fixture.host, DEMO_USER_ID, `?fromUtc=${from}`);

  assert.deepEqual(attemptIdsOf(response.body), newestFirst(fixture, 5, 4));
});

test('fromUtc accepts an offset and compares instants', async () => {
  const fixture = await seedHistory();
  // 2026-04-14T23:45:11Z written in UTC+02:00
  const from = encodeURIComponent('2026-04-15T01:45:11+02:00');
  const response = await get(fixture.host, DEMO_USER_ID, `?fromUtc=${from}`);

  assert.equal(response.status, 200);
  assert.deepEqual(attemptIdsOf(response.body), newestFirst(fixture, 5, 4, 3));
});

test('the averages cover the fromUtc window', async () => {
  const fixture = await seedHistory();
  const from = encodeURIComponent(iso(daysAgo(5)));
  const response = await get(fixture.host, DEMO_USER_ID, `?fromUtc=${from}`);

  assert.deepEqual(response.body.categoryAverages, [
    { categoryId: 10, categoryName: 'Alpha', attempts: 1, averagePercent: 33.3 },
    // (12.5 + 25) / 2 = 18.75: rounds half up; pooled would be 16.7
    { categoryId: 20, categoryName: 'Beta', attempts: 2, averagePercent: 18.8 },
  ]);
});

test('recent trims the fromUtc window but not its averages', async () => {
  const fixture = await seedHistory();
  const from = encodeURIComponent(iso(daysAgo(9)));
  const response = await get(fixture.host, DEMO_USER_ID,
    `?fromUtc=${from}&recent=1`);

  assert.deepEqual(attemptIdsOf(response.body), newestFirst(fixture, 5));
  assert.deepEqual(response.body.categoryAverages, [
    // (90 + 33.33…) / 2
    { categoryId: 10, categoryName: 'Alpha', attempts: 2, averagePercent: 61.7 },
    // (28.75 + 12.5 + 25) / 3
    { categoryId: 20, categoryName: 'Beta', attempts: 3, averagePercent: 22.1 },
  ]);
});

test('fromUtc after every attempt returns empty lists', async () => {
  const { host } = await seedHistory();
  const response = await get(host, DEMO_USER_ID, `?fromUtc=${iso(T0)}`);

  assert.equal(response.status, 200);
  assert.deepEqual(response.body.attempts, []);
  assert.deepEqual(response.body.categoryAverages, []);
});

test('a known user without attempts has empty lists', async () => {
  const { host } = await seedHistory();
  const response = await get(host, OTHER_USER_ID);

  assert.deepEqual(response.body, {
    userId: OTHER_USER_ID,
    fullName: 'Max Roe',
    email: 'max@acme.com',
    attempts: [],
    categoryAverages: [],
  });
});

test('the category name follows a later rename', async () => {
  const { host } = await seedHistory();

  await host.lms.categories.upsert({
    categoryId: 10, name: 'Alpha II', code: 'ALPHA', description: '',
    questionCount: 100, isActive: true,
  });

  const response = await get(host, DEMO_USER_ID, '?recent=2');

  assert.equal(response.body.attempts[1].categoryName, 'Alpha II');
  assert.equal(response.body.categoryAverages[0].categoryName, 'Alpha II');
});

test('an unknown user is a 404 JSON error', async () => {
  const { host } = await seedHistory();
  const response = await get(host, 'no-such-user');

  assert.equal(response.status, 404);
  assert.deepEqual(response.body, { error: 'Unknown userId.' });
});

test('a user key reads its own user\'s progress', async () => {
  const fixture = await seedHistory();
  const response = await fixture.host.http()
    .get(progressPath(DEMO_USER_ID, '?recent=1'))
    .set(withKey(fixture.host.keys.demo.ReadOnly));

  assert.equal(response.status, 200);
  assert.deepEqual(attemptIdsOf(response.body), newestFirst(fixture, 5));
});

test.run();
