/**
 * The storage contract: every adapter runs these cases unchanged.
 * `setup` returns a fresh, empty storage for each case.
 */
import assert from 'node:assert/strict';
import { suite } from 'uvu';

import {
  DuplicateSubscriptionError,
  UnknownReferenceError,
  type ApiKeyRecord,
  type AttemptRecord,
  type Category,
  type EventType,
  type LmsStorage,
  type Subscription,
  type WebhookEvent,
} from '../../src/storage/index.js';

export interface ContractSetup {
  storage: LmsStorage;
  teardown?: () => Promise<void>;
}

interface Context {
  storage: LmsStorage;
  teardown?: () => Promise<void>;
}

const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000);
let sequence = 0;
const nextId = (prefix: string) => `${prefix}_${++sequence}`;

function category(id: number, overrides: Partial<Category> = {}): Category {
  return {
    categoryId: id,
    name: `Category ${id}`,
    code: `C-${id}`,
    description: 'About it',
    questionCount: 100,
    isActive: true,
    ...overrides,
  };
}

function event(
  type: EventType,
  userId: string | null,
  seconds = 0,
): WebhookEvent {
  return {
    eventId: nextId('evt'),
    type,
    userId,
    timestamp: at(seconds),
    data: { hello: 'world', userId },
  };
}

function attempt(
  userId: string,
  categoryId: number,
  correct: number,
  seconds: number,
): AttemptRecord {
  return {
    attemptId: nextId('att'),
    userId,
    categoryId,
    correct,
    total: 20,
    source: 'practice',
    completedAt: at(seconds),
  };
}

function subscription(overrides: Partial<Subscription> = {}): Subscription {
  return {
    webhookId: nextId('wh'),
    ownerUserId: 'u1',
    url: 'https://hooks.example.com/lms',
    events: ['assignment.created', 'attempt.completed'],
    description: null,
    isActive: true,
    createdAt: at(0),
    secrets: [{ secret: 'whsec_c2VjcmV0', expiresAt: null }],
    failingSince: null,
    disabledReason: null,
    ...overrides,
  };
}

function key(overrides: Partial<ApiKeyRecord> = {}): ApiKeyRecord {
  const keyId = nextId('key');

  return {
    keyId,
    userId: 'u1',
    name: 'CI bot',
    permission: 'ReadWrite',
    isActive: true,
    createdAt: at(0),
    lastUsedAt: null,
    expiresAt: null,
    digest: `digest-of-${keyId}`,
    ...overrides,
  };
}

async function seedCatalog(storage: LmsStorage): Promise<void> {
  await storage.catalog.upsertCategory(category(1, { name: 'AWS Architect' }));
  await storage.catalog.upsertCategory(category(2, { name: 'Azure Basics' }));
  await storage.catalog.upsertUser({
    userId: 'u1',
    fullName: 'Jane Doe',
    email: 'jane@acme.com',
  });
  await storage.catalog.upsertUser({
    userId: 'u2',
    fullName: 'Max Roe',
    email: 'max@acme.com',
  });
}

export function defineStorageContract(
  name: string,
  setup: () => Promise<ContractSetup>,
): void {
  for (const define of [
    defineCatalogCases,
    defineKeyCases,
    defineAssignmentCases,
    defineSubscriptionCases,
    defineOutboxCases,
  ]) {
    const cases = suite<Context>(`${name}: ${define.name.slice(6, -5)}`, {
      storage: null as unknown as LmsStorage,
    });

    cases.before.each(async (context) => {
      const made = await setup();

      context.storage = made.storage;
      context.teardown = made.teardown;
    });
    cases.after.each(async (context) => {
      await context.teardown?.();
    });
    define(cases);
    cases.run();
  }
}

type Cases = ReturnType<typeof suite<Context>>;

function defineCatalogCases(test: Cases): void {
  test('lists active categories ordered by name', async ({ storage }) => {
    await storage.catalog.upsertCategory(category(3, { name: 'Zeta' }));
    await storage.catalog.upsertCategory(category(1, { name: 'Alpha' }));
    await storage.catalog.upsertCategory(
      category(2, { name: 'Beta', isActive: false }),
    );

    const active = await storage.catalog.listCategories({
      includeInactive: false,
    });
    const all = await storage.catalog.listCategories({ includeInactive: true });

    assert.deepEqual(active.map((c) => c.categoryId), [1, 3]);
    assert.deepEqual(all.map((c) => c.categoryId), [1, 2, 3]);
    assert.deepEqual(all[0], category(1, { name: 'Alpha' }));
  });

  test('search matches name or code without regard to case', async (c) => {
    const { storage } = c;

    await storage.catalog.upsertCategory(
      category(1, { name: 'AWS Solutions Architect', code: 'SAA' }),
    );
    await storage.catalog.upsertCategory(
      category(2, { name: 'Azure Fundamentals', code: 'AZ-900' }),
    );
    await storage.catalog.upsertCategory(
      category(3, { name: '100% literal_', code: 'PCT' }),
    );

    const byName = await storage.catalog.listCategories({
      search: 'aws',
      includeInactive: false,
    });
    const byCode = await storage.catalog.listCategories({
      search: 'az-9',
      includeInactive: false,
    });
    const wildcards = await storage.catalog.listCategories({
      search: '%',
      includeInactive: false,
    });
    const underscore = await storage.catalog.listCategories({
      search: 'l_',
      includeInactive: false,
    });

    assert.deepEqual(byName.map((x) => x.categoryId), [1]);
    assert.deepEqual(byCode.map((x) => x.categoryId), [2]);
    assert.deepEqual(wildcards.map((x) => x.categoryId), [3]);
    assert.deepEqual(underscore.map((x) => x.categoryId), [3]);
  });

  test('upsert replaces a category and a user', async ({ storage }) => {
    await storage.catalog.upsertCategory(category(7));
    await storage.catalog.upsertCategory(category(7, { name: 'Renamed' }));
    await storage.catalog.upsertUser({
      userId: 'u9',
      fullName: 'A',
      email: 'a@x.io',
    });
    await storage.catalog.upsertUser({
      userId: 'u9',
      fullName: 'B',
      email: 'b@x.io',
    });

    assert.equal((await storage.catalog.getCategory(7))?.name, 'Renamed');
    assert.deepEqual(await storage.catalog.getUser('u9'), {
      userId: 'u9',
      fullName: 'B',
      email: 'b@x.io',
    });
    assert.equal(await storage.catalog.getCategory(8), null);
    assert.equal(await storage.catalog.getUser('nobody'), null);
  });

  test('progress lists attempts newest first with tallies', async (c) => {
    const { storage } = c;

    await seedCatalog(storage);
    await storage.catalog.recordAttempt(attempt('u1', 1, 10, 10), event(
      'attempt.completed', 'u1'));
    await storage.catalog.recordAttempt(attempt('u1', 2, 15, 30), event(
      'attempt.completed', 'u1'));
    await storage.catalog.recordAttempt(attempt('u1', 1, 20, 20), event(
      'attempt.completed', 'u1'));
    await storage.catalog.recordAttempt(attempt('u2', 1, 1, 40), event(
      'attempt.completed', 'u2'));

    const progress = await storage.catalog.readProgress('u1', {});

    assert.deepEqual(
      progress.attempts.map((a) => [a.categoryName, a.correct]),
      [['Azure Basics', 15], ['AWS Architect', 20], ['AWS Architect', 10]],
    );
    assert.equal(progress.attempts[0].completedAt.getTime(), at(30).getTime());
    assert.deepEqual(progress.tallies, [
      { categoryId: 1, categoryName: 'AWS Architect', attempts: 2,
        percentSum: 150 },
      { categoryId: 2, categoryName: 'Azure Basics', attempts: 1,
        percentSum: 75 },
    ]);
  });

  test('recent trims attempts but not tallies', async ({ storage }) => {
    await seedCatalog(storage);
    for (let i = 0; i < 5; i++) {
      await storage.catalog.recordAttempt(attempt('u1', 1, i, i), event(
        'attempt.completed', 'u1'));
    }

    const progress = await storage.catalog.readProgress('u1', { recent: 2 });

    assert.deepEqual(progress.attempts.map((a) => a.correct), [4, 3]);
    assert.equal(progress.tallies[0].attempts, 5);
    assert.equal(progress.tallies[0].percentSum, 50);
  });

  test('fromUtc keeps attempts at or after it, tallies too', async (c) => {
    const { storage } = c;

    await seedCatalog(storage);
    for (let i = 0; i < 5; i++) {
      await storage.catalog.recordAttempt(attempt('u1', 1 + (i % 2), i, i),
        event('attempt.completed', 'u1'));
    }

    const progress = await storage.catalog.readProgress('u1', {
      fromUtc: at(2),
      recent: 1,
    });

    assert.deepEqual(progress.attempts.map((a) => a.correct), [4]);
    assert.deepEqual(
      progress.tallies.map((t) => [t.categoryId, t.attempts, t.percentSum]),
      [[1, 2, 30], [2, 1, 15]],
    );
  });

  test('progress of a user without attempts is empty', async ({ storage }) => {
    await seedCatalog(storage);

    assert.deepEqual(await storage.catalog.readProgress('u2', {}), {
      attempts: [],
      tallies: [],
    });
  });

  test('an attempt for an unknown user or category is refused', async (c) => {
    const { storage } = c;

    await seedCatalog(storage);

    await assert.rejects(
      storage.catalog.recordAttempt(attempt('ghost', 1, 1, 1),
        event('attempt.completed', 'ghost')),
      (error: unknown) =>
        error instanceof UnknownReferenceError && error.field === 'userId',
    );
    await assert.rejects(
      storage.catalog.recordAttempt(attempt('u1', 99, 1, 1),
        event('attempt.completed', 'u1')),
      (error: unknown) =>
        error instanceof UnknownReferenceError && error.field === 'categoryId',
    );
    assert.deepEqual((await storage.catalog.readProgress('u1', {})).attempts,
      []);
  });
}

function defineKeyCases(test: Cases): void {
  test('keys are found by digest and listed per user', async ({ storage }) => {
    await seedCatalog(storage);

    const first = key({ createdAt: at(1) });
    const second = key({ createdAt: at(2), permission: 'Admin' });
    const other = key({ userId: 'u2' });

    for (const k of [second, first, other]) await storage.keys.createKey(k);

    assert.deepEqual(await storage.keys.findKeyByDigest(first.digest), first);
    assert.equal(await storage.keys.findKeyByDigest('nope'), null);
    assert.deepEqual(
      (await storage.keys.listKeys('u1')).map((k) => k.keyId),
      [first.keyId, second.keyId],
    );
  });

  test('a digest is unique', async ({ storage }) => {
    await seedCatalog(storage);
    await storage.keys.createKey(key({ digest: 'same' }));

    await assert.rejects(storage.keys.createKey(key({ digest: 'same' })));
  });

  test('deactivation sticks and reports unknown ids', async ({ storage }) => {
    await seedCatalog(storage);

    const k = key();

    await storage.keys.createKey(k);

    assert.equal(await storage.keys.deactivateKey(k.keyId), true);
    assert.equal(await storage.keys.deactivateKey('key_none'), false);
    assert.equal((await storage.keys.findKeyByDigest(k.digest))?.isActive,
      false);
  });

  test('touchKeys never moves lastUsedAt backwards', async ({ storage }) => {
    await seedCatalog(storage);

    const a = key();
    const b = key();

    await storage.keys.createKey(a);
    await storage.keys.createKey(b);
    await storage.keys.touchKeys([
      { keyId: a.keyId, lastUsedAt: at(50) },
      { keyId: b.keyId, lastUsedAt: at(10) },
    ]);
    await storage.keys.touchKeys([{ keyId: a.keyId, lastUsedAt: at(20) }]);

    const [storedA, storedB] = await storage.keys.listKeys('u1');

    assert.equal(storedA.lastUsedAt?.getTime(), at(50).getTime());
    assert.equal(storedB.lastUsedAt?.getTime(), at(10).getTime());
  });
}

function defineAssignmentCases(test: Cases): void {
  test('an assignment round-trips', async ({ storage }) => {
    await seedCatalog(storage);

    const assignment = {
      assignmentId: 'asn_1',
      userId: 'u1',
      categoryId: 1,
      dueAt: at(100),
      note: 'Prep',
      createdAt: at(1),
    };

    await storage.assignments.createAssignment(assignment,
      event('assignment.created', 'u1'));

    assert.deepEqual(await storage.assignments.getAssignment('asn_1'),
      assignment);
    assert.equal(await storage.assignments.getAssignment('asn_2'), null);
  });

  test('an assignment may name users of a host catalog', async (c) => {
    const { storage } = c;
    const assignment = {
      assignmentId: 'asn_host',
      userId: 'host-user',
      categoryId: 4242,
      dueAt: null,
      note: null,
      createdAt: at(1),
    };

    await storage.assignments.createAssignment(assignment,
      event('assignment.created', 'host-user'));

    assert.deepEqual(await storage.assignments.getAssignment('asn_host'),
      assignment);
  });
}

function defineSubscriptionCases(test: Cases): void {
  test('subscriptions are listed per owner or all', async ({ storage }) => {
    await seedCatalog(storage);

    const mine = subscription({ createdAt: at(1) });
    const theirs = subscription({ ownerUserId: 'u2', createdAt: at(2) });
    const master = subscription({ ownerUserId: null, createdAt: at(3) });

    for (const s of [mine, theirs, master]) {
      await storage.webhooks.createSubscription(s);
    }

    assert.deepEqual(await storage.webhooks.listSubscriptions('u1'), [mine]);
    assert.deepEqual(await storage.webhooks.listSubscriptions(null), [master]);
    assert.deepEqual(
      (await storage.webhooks.listSubscriptions()).map((s) => s.webhookId),
      [mine.webhookId, theirs.webhookId, master.webhookId],
    );
  });

  test('the same owner, URL and events is a duplicate', async (c) => {
    const { storage } = c;

    await seedCatalog(storage);
    await storage.webhooks.createSubscription(subscription());

    await assert.rejects(
      storage.webhooks.createSubscription(subscription()),
      DuplicateSubscriptionError,
    );
    await storage.webhooks.createSubscription(
      subscription({ events: ['assignment.created'] }),
    );
    await storage.webhooks.createSubscription(
      subscription({ ownerUserId: 'u2' }),
    );
    assert.equal((await storage.webhooks.listSubscriptions()).length, 3);
  });

  test('update patches fields and keeps uniqueness', async ({ storage }) => {
    await seedCatalog(storage);

    const narrow = subscription({ events: ['assignment.created'] });
    const wide = subscription();

    await storage.webhooks.createSubscription(narrow);
    await storage.webhooks.createSubscription(wide);

    const updated = await storage.webhooks.updateSubscription(
      narrow.webhookId,
      { isActive: false, description: 'paused', disabledReason: 'manual' },
    );

    assert.equal(updated?.isActive, false);
    assert.equal(updated?.description, 'paused');
    assert.equal(updated?.disabledReason, 'manual');
    assert.deepEqual(updated?.events, ['assignment.created']);
    await assert.rejects(
      storage.webhooks.updateSubscription(narrow.webhookId, {
        events: ['assignment.created', 'attempt.completed'],
      }),
      DuplicateSubscriptionError,
    );
    assert.equal(
      await storage.webhooks.updateSubscription('wh_none', { isActive: true }),
      null,
    );
  });

  test('an update can restart the failing clock', async ({ storage }) => {
    await seedCatalog(storage);

    const s = subscription();

    await storage.webhooks.createSubscription(s);

    const [d] = await storage.webhooks.publishEvent(
      event('assignment.created', 'u1'),
    );

    await storage.webhooks.recordAttempt({
      deliveryId: d.deliveryId, attemptedAt: at(1), durationMs: 3,
      statusCode: 500, error: null, responseBody: null, succeeded: false,
      nextAttemptAt: null,
    });

    const reset = await storage.webhooks.updateSubscription(s.webhookId, {
      isActive: true, failingSince: null, disabledReason: null,
    });

    assert.equal(reset?.failingSince, null);
    assert.equal(
      (await storage.webhooks.getSubscription(s.webhookId))?.failingSince,
      null,
    );
  });

  test('secrets round-trip in order with expiry', async ({ storage }) => {
    await seedCatalog(storage);

    const s = subscription();
    const secrets = [
      { secret: 'whsec_bmV3', expiresAt: null },
      { secret: 'whsec_b2xk', expiresAt: at(86_400) },
    ];

    await storage.webhooks.createSubscription(s);
    await storage.webhooks.updateSubscription(s.webhookId, { secrets });

    assert.deepEqual(
      (await storage.webhooks.getSubscription(s.webhookId))?.secrets,
      secrets,
    );
  });

  test('delete removes a subscription and its deliveries', async (c) => {
    const { storage } = c;

    await seedCatalog(storage);

    const s = subscription();

    await storage.webhooks.createSubscription(s);

    const [delivery] = await storage.webhooks.publishEvent(
      event('assignment.created', 'u1'),
    );

    assert.equal(await storage.webhooks.deleteSubscription(s.webhookId), true);
    assert.equal(await storage.webhooks.deleteSubscription(s.webhookId), false);
    assert.equal(await storage.webhooks.getSubscription(s.webhookId), null);
    assert.equal(await storage.webhooks.getDelivery(delivery.deliveryId),
      null);
  });
}

function defineOutboxCases(test: Cases): void {
  test('events fan out to matching subscriptions only', async (c) => {
    const { storage } = c;

    await seedCatalog(storage);

    const mine = subscription({ events: ['assignment.created'] });
    const attemptsOnly = subscription({ events: ['attempt.completed'] });
    const theirs = subscription({ ownerUserId: 'u2' });
    const master = subscription({ ownerUserId: null });
    const paused = subscription({ isActive: false, url: 'https://x.io/p' });

    for (const s of [mine, attemptsOnly, theirs, master, paused]) {
      await storage.webhooks.createSubscription(s);
    }

    const created = await storage.webhooks.publishEvent(
      event('assignment.created', 'u1', 5),
    );

    assert.deepEqual(
      created.map((d) => d.webhookId).sort(),
      [mine.webhookId, master.webhookId].sort(),
    );
    for (const delivery of created) {
      assert.equal(delivery.status, 'pending');
      assert.equal(delivery.attempts, 0);
      assert.equal(delivery.nextAttemptAt?.getTime(), at(5).getTime());
      assert.doesNotMatch(delivery.deliveryId, /\./);
    }
  });

  test('an assignment and its event are written together', async (c) => {
    const { storage } = c;

    await seedCatalog(storage);

    const s = subscription();

    await storage.webhooks.createSubscription(s);
    await storage.assignments.createAssignment({
      assignmentId: 'asn_9',
      userId: 'u1',
      categoryId: 1,
      dueAt: null,
      note: null,
      createdAt: at(0),
    }, event('assignment.created', 'u1'));

    const claims = await storage.webhooks.claimDueDeliveries({
      now: at(1), limit: 10, leaseUntil: at(60),
    });

    assert.equal(claims.length, 1);
    assert.equal(claims[0].event.type, 'assignment.created');
    assert.deepEqual(claims[0].event.data, { hello: 'world', userId: 'u1' });
    assert.equal(claims[0].subscription.webhookId, s.webhookId);
  });

  test('an attempt and its event are written together', async (c) => {
    const { storage } = c;

    await seedCatalog(storage);
    await storage.webhooks.createSubscription(subscription());

    const e = event('attempt.completed', 'u1');

    await storage.catalog.recordAttempt(attempt('u1', 1, 3, 0), e);

    const claims = await storage.webhooks.claimDueDeliveries({
      now: at(1), limit: 10, leaseUntil: at(60),
    });

    assert.deepEqual(claims.map((c) => c.event.eventId), [e.eventId]);
  });

  test('claims take due deliveries once until the lease ends', async (c) => {
    const { storage } = c;

    await seedCatalog(storage);
    await storage.webhooks.createSubscription(subscription());
    await storage.webhooks.publishEvent(event('assignment.created', 'u1', 10));
    await storage.webhooks.publishEvent(event('assignment.created', 'u1', 0));

    const early = await storage.webhooks.claimDueDeliveries({
      now: at(5), limit: 10, leaseUntil: at(100),
    });
    const both = await storage.webhooks.claimDueDeliveries({
      now: at(20), limit: 10, leaseUntil: at(100),
    });
    const none = await storage.webhooks.claimDueDeliveries({
      now: at(50), limit: 10, leaseUntil: at(200),
    });
    const reclaimed = await storage.webhooks.claimDueDeliveries({
      now: at(100), limit: 1, leaseUntil: at(300),
    });

    assert.equal(early.length, 1);
    assert.equal(early[0].delivery.status, 'delivering');
    assert.equal(both.length, 1);
    assert.equal(none.length, 0);
    assert.equal(reclaimed.length, 1);
  });

  test('recording attempts moves a delivery on', async ({ storage }) => {
    await seedCatalog(storage);

    const s = subscription();

    await storage.webhooks.createSubscription(s);

    const [d] = await storage.webhooks.publishEvent(
      event('assignment.created', 'u1'),
    );
    const failed = await storage.webhooks.recordAttempt({
      deliveryId: d.deliveryId, attemptedAt: at(1), durationMs: 12,
      statusCode: 500, error: null, responseBody: 'oops', succeeded: false,
      nextAttemptAt: at(6),
    });
    const afterFailure = await storage.webhooks.getDelivery(d.deliveryId);

    assert.equal(failed?.failingSince?.getTime(), at(1).getTime());
    assert.equal(afterFailure?.status, 'pending');
    assert.equal(afterFailure?.attempts, 1);
    assert.equal(afterFailure?.lastStatusCode, 500);
    assert.equal(afterFailure?.lastResponseBody, 'oops');
    assert.equal(afterFailure?.nextAttemptAt?.getTime(), at(6).getTime());

    const stillFailing = await storage.webhooks.recordAttempt({
      deliveryId: d.deliveryId, attemptedAt: at(6), durationMs: 5,
      statusCode: null, error: 'ECONNREFUSED', responseBody: null,
      succeeded: false, nextAttemptAt: null,
    });

    assert.equal(stillFailing?.failingSince?.getTime(), at(1).getTime());
    assert.equal((await storage.webhooks.getDelivery(d.deliveryId))?.status,
      'failed');

    const [again] = await storage.webhooks.publishEvent(
      event('assignment.created', 'u1'),
    );
    const healed = await storage.webhooks.recordAttempt({
      deliveryId: again.deliveryId, attemptedAt: at(9), durationMs: 5,
      statusCode: 204, error: null, responseBody: '', succeeded: true,
      nextAttemptAt: null,
    });
    const succeeded = await storage.webhooks.getDelivery(again.deliveryId);

    assert.equal(healed?.failingSince, null);
    assert.equal(succeeded?.status, 'succeeded');
    assert.equal(succeeded?.nextAttemptAt, null);
  });

  test('deliveries page newest first by cursor', async ({ storage }) => {
    await seedCatalog(storage);

    const s = subscription();

    await storage.webhooks.createSubscription(s);
    for (let i = 0; i < 5; i++) {
      await storage.webhooks.publishEvent(event('assignment.created', 'u1', i));
    }

    const first = await storage.webhooks.listDeliveries(s.webhookId, {
      limit: 2,
    });
    const last = first[first.length - 1];
    const second = await storage.webhooks.listDeliveries(s.webhookId, {
      limit: 10,
      after: { createdAt: last.createdAt, deliveryId: last.deliveryId },
    });

    assert.deepEqual(first.map((d) => d.createdAt.getTime()),
      [at(4).getTime(), at(3).getTime()]);
    assert.deepEqual(second.map((d) => d.createdAt.getTime()),
      [at(2).getTime(), at(1).getTime(), at(0).getTime()]);
  });

  test('redeliver queues the same event again', async ({ storage }) => {
    await seedCatalog(storage);

    const s = subscription();

    await storage.webhooks.createSubscription(s);

    const [d] = await storage.webhooks.publishEvent(
      event('assignment.created', 'u1'),
    );
    const again = await storage.webhooks.redeliver(d.deliveryId, 'dlv_again',
      at(30));
    const claims = await storage.webhooks.claimDueDeliveries({
      now: at(30), limit: 10, leaseUntil: at(90),
    });

    assert.equal(again?.deliveryId, 'dlv_again');
    assert.equal(again?.eventId, d.eventId);
    assert.equal(again?.status, 'pending');
    assert.equal(claims.length, 2);
    assert.equal(await storage.webhooks.redeliver('dlv_none', 'x', at(1)),
      null);
  });

  test('a direct delivery is claimed for one subscription', async (c) => {
    const { storage } = c;

    await seedCatalog(storage);

    const target = subscription({ events: ['assignment.created'] });
    const bystander = subscription({ ownerUserId: null });

    await storage.webhooks.createSubscription(target);
    await storage.webhooks.createSubscription(bystander);

    const claim = await storage.webhooks.createDirectDelivery(
      event('webhook.test', 'u1'), target.webhookId, at(60),
    );
    const due = await storage.webhooks.claimDueDeliveries({
      now: at(1), limit: 10, leaseUntil: at(60),
    });

    assert.equal(claim.delivery.status, 'delivering');
    assert.equal(claim.subscription.webhookId, target.webhookId);
    assert.equal(claim.event.type, 'webhook.test');
    assert.equal(due.length, 0);
  });
}
