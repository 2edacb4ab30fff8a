/**
 * POST {prefix}/assignments: the response, the launch URL, and the
 * `assignment.created` event it leaves in the outbox.
 */
import assert from 'node:assert/strict';

import { suite } from 'uvu';

import { createMemoryStorage } from '../../adapters/memory/index.js';
import type { Assignment, LmsStorage } from '../../src/index.js';
import {
  DEMO_USER_ID,
  OTHER_USER_ID,
  PREFIX,
  PUBLIC_URL,
  T0,
  claimOutbox,
  makeHost,
  subscribeToEverything,
  withKey,
  type Host,
} from '../support/http.js';

const CREATED_AT = T0.toISOString().replace('.000Z', 'Z');

function post(host: Host, body: unknown, key = host.masterKey) {
  return host.http()
    .post(`${PREFIX}/assignments`)
    .set(withKey(key))
    .send(body as object);
}

/** A memory storage that also remembers every assignment write. */
function countingStorage() {
  const memory = createMemoryStorage();
  const written: Assignment[] = [];
  const storage: LmsStorage = {
    ...memory,
    assignments: {
      createAssignment(assignment, event) {
        written.push(assignment);

        return memory.assignments.createAssignment(assignment, event);
      },
      getAssignment: (id) => memory.assignments.getAssignment(id),
    },
  };

  return { storage, written };
}

const test = suite('POST /api/lms/v1/assignments');

test('creates an assignment and answers 201 with every field', async () => {
  const host = await makeHost();
  const response = await post(host, {
    userId: DEMO_USER_ID,
    categoryId: 42,
    dueAt: '2026-05-01T00:00:00Z',
    note: 'AWS SAA prep',
  });
  const { assignmentId } = response.body;

  assert.equal(response.status, 201);
  assert.match(response.headers['content-type'], /^application\/json/);
  assert.match(assignmentId, /^asn_[\w-]{16,}$/);
  assert.deepEqual(response.body, {
    assignmentId,
    userId: DEMO_USER_ID,
    categoryId: 42,
    dueAt: '2026-05-01T00:00:00Z',
    note: 'AWS SAA prep',
    createdAt: CREATED_AT,
    launchUrl: `${PUBLIC_URL}/Learning/Assignment/${assignmentId}`,
  });
});

test('stores the assignment it answered with', async () => {
  const host = await makeHost();
  const response = await post(host, { userId: DEMO_USER_ID, categoryId: 42 });
  const stored = await host.storage.assignments.getAssignment(
    response.body.assignmentId);

  assert.deepEqual(stored, {
    assignmentId: response.body.assignmentId,
    userId: DEMO_USER_ID,
    categoryId: 42,
    dueAt: null,
    note: null,
    createdAt: T0,
  });
});

test('dueAt and note are optional and come back as null', async () => {
  const host = await makeHost();
  const omitted = await post(host, { userId: DEMO_USER_ID, categoryId: 42 });
  const nulled = await post(host, {
    userId: DEMO_USER_ID, categoryId: 42, dueAt: null, note: null,
  });

  for (const response of [omitted, nulled]) {
    assert.equal(response.status, 201);
    assert.equal(response.body.dueAt, null);
    assert.equal(response.body.note, null);
  }
});

test('dueAt with an offset comes back in UTC', async () => {
  const host = await makeHost();
  const response = await post(host, {
    userId: DEMO_USER_ID, categoryId: 42, dueAt: '2026-05-01T02:00:00+02:00',
  });

  assert.equal(response.status, 201);
  assert.equal(response.body.dueAt, '2026-05-01T00:00:00Z');
});

test('each assignment gets its own id', async () => {
  const host = await makeHost();
  const body = { userId: DEMO_USER_ID, categoryId: 42 };
  const first = await post(host, body);
  const second = await post(host, body);

  assert.notEqual(first.body.assignmentId, second.body.assignmentId);
});

test('a custom launchUrl builds the link from the assignment', async () => {
  const seen: unknown[] = [];
  const host = await makeHost({
    launchUrl(assignment) {
      seen.push(assignment);

      return `https://learn.acme.test/go/${assignment.assignmentId}` +
        `?user=${assignment.userId}`;
    },
  });
  const response = await post(host, {
    userId: DEMO_USER_ID, categoryId: 43, dueAt: '2026-06-01T12:00:00Z',
  });
  const { launchUrl, ...withoutLink } = response.body;

  assert.equal(response.status, 201);
  assert.equal(launchUrl, `https://learn.acme.test/go/` +
    `${response.body.assignmentId}?user=${DEMO_USER_ID}`);
  assert.deepEqual(seen, [withoutLink]);
});

test('a ReadWrite or Admin user key assigns to its own user', async () => {
  const host = await makeHost();

  for (const key of [host.keys.demo.ReadWrite, host.keys.demo.Admin]) {
    const response = await post(host, { userId: DEMO_USER_ID, categoryId: 1 },
      key);

    assert.equal(response.status, 201);
    assert.equal(response.body.userId, DEMO_USER_ID);
  }
});

test('an unknown user is a 404', async () => {
  const host = await makeHost();
  const response = await post(host, { userId: 'nobody', categoryId: 42 });

  assert.equal(response.status, 404);
  assert.deepEqual(response.body, { error: 'Unknown userId.' });
});

test('an unknown category is a 404', async () => {
  const host = await makeHost();
  const response = await post(host, { userId: DEMO_USER_ID, categoryId: 999 });

  assert.equal(response.status, 404);
  assert.deepEqual(response.body, { error: 'Unknown categoryId.' });
});

test('puts assignment.created with the assignment in the outbox', async () => {
  const host = await makeHost();
  const subscription = await subscribeToEverything(host.storage, T0);
  const response = await post(host, {
    userId: DEMO_USER_ID, categoryId: 42, note: 'go',
  });
  const claims = await claimOutbox(host.storage, host.clock.now());

  assert.equal(response.status, 201);
  assert.equal(claims.length, 1);

  const [{ event, delivery }] = claims;

  assert.equal(event.type, 'assignment.created');
  assert.equal(event.userId, DEMO_USER_ID);
  assert.deepEqual(event.timestamp, T0);
  assert.deepEqual(event.data, response.body);
  assert.equal(delivery.webhookId, subscription.webhookId);
  assert.equal(delivery.eventType, 'assignment.created');
});

test('a rejected request writes no assignment and no event', async () => {
  const { storage, written } = countingStorage();
  const host = await makeHost({ storage });

  await subscribeToEverything(storage, T0);

  const rejected = [
    [400, { userId: DEMO_USER_ID, categoryId: '42' }, host.masterKey],
    [400, { userId: DEMO_USER_ID, categoryId: 42, extra: 1 }, host.masterKey],
    [401, { userId: DEMO_USER_ID, categoryId: 42 }, 'cbk_unknown'],
    [403, { userId: OTHER_USER_ID, categoryId: 42 }, host.keys.demo.Admin],
    [403, { userId: DEMO_USER_ID, categoryId: 42 }, host.keys.demo.ReadOnly],
    [404, { userId: 'nobody', categoryId: 42 }, host.masterKey],
    [404, { userId: DEMO_USER_ID, categoryId: 999 }, host.masterKey],
  ] as const;

  for (const [status, body, key] of rejected) {
    const response = await post(host, body, key);

    assert.equal(response.status, status, JSON.stringify(body));
  }

  assert.deepEqual(written, []);
  assert.deepEqual(await claimOutbox(storage, host.clock.now()), []);
});

test.run();
