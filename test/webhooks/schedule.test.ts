/**
 * The pure parts of delivery: the retry schedule with its jitter and
 * Retry-After bounds, secret rotation, event lists and the log cursor.
 */
import assert from 'node:assert/strict';

import { suite } from 'uvu';

import {
  hasFailedTooLong,
  honourRetryAfter,
  nextAttemptAt,
} from '../../src/services/delivery/schedule.js';
import { signingSecrets } from '../../src/services/delivery/events.js';
import {
  normalizeEvents,
  rotateSecrets,
} from '../../src/services/webhooks/subscriptions.js';
import {
  decodeCursor,
  encodeCursor,
} from '../../src/services/webhooks/views.js';
import type { Delivery } from '../../src/index.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const AT = new Date('2026-04-19T00:00:00Z');

// The documented gaps after attempts 1 to 7; the 8th is the last.
const STEPS = [5 * S, 5 * M, 30 * M, 2 * H, 5 * H, 10 * H, 10 * H];

function delayAfter(attempts: number, random: number, retryAfter = null as
  number | null): number | null {
  const next = nextAttemptAt({
    attempts,
    attemptedAt: AT,
    retryAfterSeconds: retryAfter,
    random: () => random,
  });

  return next && next.getTime() - AT.getTime();
}

const schedule = suite('retry schedule');

schedule('follows 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h', () => {
  assert.deepEqual(STEPS.map((_, i) => delayAfter(i + 1, 0)), STEPS);
});

schedule('gives up after the eighth attempt', () => {
  assert.equal(delayAfter(8, 0), null);
  assert.equal(delayAfter(9, 0.5), null);
});

schedule('jitter adds up to a fifth, never less', () => {
  for (const [i, step] of STEPS.entries()) {
    const low = delayAfter(i + 1, 0) ?? -1;
    const high = delayAfter(i + 1, 0.999999) ?? -1;

    assert.equal(low, step);
    assert.ok(high > step && high <= step * 1.2, `${high} vs ${step}`);
  }
});

schedule('a random source out of range cannot break the bounds', () => {
  for (const value of [-1, 7, Number.NaN, Infinity]) {
    const delay = delayAfter(1, value) ?? -1;

    assert.ok(delay >= 5 * S && delay <= 6 * S, `${value}: ${delay}`);
  }
});

schedule('Retry-After pushes a retry later, up to 24 h', () => {
  assert.equal(delayAfter(1, 0, 120), 120 * S);
  assert.equal(delayAfter(1, 0, 10 * 24 * 3600), 24 * H);
  assert.equal(delayAfter(2, 0, 1), 5 * M);
  assert.equal(delayAfter(1, 0, 0), 5 * S);
});

schedule('Retry-After never resurrects a delivery out of attempts', () => {
  assert.equal(delayAfter(8, 0, 60), null);
});

schedule('honourRetryAfter clamps between the step and a day', () => {
  assert.equal(honourRetryAfter(5000, null), 5000);
  assert.equal(honourRetryAfter(5000, 2), 5000);
  assert.equal(honourRetryAfter(5000, 90), 90_000);
  assert.equal(honourRetryAfter(5000, 1e9), 24 * H);
});

schedule('five days of failure is too long; a moment less is not', () => {
  const since = new Date(AT.getTime() - 5 * 24 * H);

  assert.equal(hasFailedTooLong(since, AT), true);
  assert.equal(hasFailedTooLong(new Date(since.getTime() + 1), AT), false);
  assert.equal(hasFailedTooLong(null, AT), false);
});

schedule.run();

const secrets = suite('secrets');

secrets('a rotation puts the new secret first and retires the old', () => {
  const rotated = rotateSecrets([{ secret: 'whsec_b2xk', expiresAt: null }],
    'whsec_bmV3', AT);

  assert.deepEqual(rotated, [
    { secret: 'whsec_bmV3', expiresAt: null },
    { secret: 'whsec_b2xk', expiresAt: new Date(AT.getTime() + 24 * H) },
  ]);
});

secrets('a second rotation keeps the earlier retirement time', () => {
  const soon = new Date(AT.getTime() + H);
  const rotated = rotateSecrets([
    { secret: 'whsec_Yg==', expiresAt: null },
    { secret: 'whsec_YQ==', expiresAt: soon },
  ], 'whsec_Yw==', AT);

  assert.deepEqual(rotated.map((s) => s.expiresAt), [
    null, new Date(AT.getTime() + 24 * H), soon,
  ]);
});

secrets('expired secrets are pruned and at most ten are kept', () => {
  const many = Array.from({ length: 12 }, (_, i) => ({
    secret: `whsec_${i}`,
    expiresAt: i === 0 ? null : new Date(AT.getTime() + i * H),
  }));
  const expired = { secret: 'whsec_old', expiresAt: AT };
  const rotated = rotateSecrets([...many, expired], 'whsec_new', AT);

  assert.equal(rotated.length, 10);
  assert.equal(rotated[0].secret, 'whsec_new');
  assert.equal(rotated.some((s) => s.secret === 'whsec_old'), false);
});

secrets('only unexpired secrets sign', () => {
  const list = [
    { secret: 'whsec_new', expiresAt: null },
    { secret: 'whsec_mid', expiresAt: new Date(AT.getTime() + 1) },
    { secret: 'whsec_old', expiresAt: AT },
  ];

  assert.deepEqual(signingSecrets(list, AT), ['whsec_new', 'whsec_mid']);
});

secrets.run();

const events = suite('event lists');

events('are de-duplicated and sorted', () => {
  assert.deepEqual(
    normalizeEvents(['webhook.test', 'assignment.created', 'webhook.test']),
    ['assignment.created', 'webhook.test'],
  );
});

events('refuse unknown and empty lists', () => {
  assert.throws(() => normalizeEvents([]), { status: 400 });
  assert.throws(() => normalizeEvents(['assignment.deleted']),
    { status: 400 });
});

events.run();

const cursors = suite('delivery log cursors');

cursors('round-trip the exact millisecond and id', () => {
  const createdAt = new Date('2026-04-19T10:00:00.123Z');
  const cursor = encodeCursor({ createdAt, deliveryId: 'dlv_a-b' } as
    Delivery);

  assert.match(cursor, /^[\w-]+$/);
  assert.deepEqual(decodeCursor(cursor),
    { createdAt, deliveryId: 'dlv_a-b' });
});

cursors('anything else is a 400', () => {
  const bad = ['', 'x', Buffer.from('{}').toString('base64url'),
    Buffer.from('[1.5,"a"]').toString('base64url'),
    Buffer.from('[1,""]').toString('base64url'), 'A'.repeat(600)];

  for (const cursor of bad) {
    assert.throws(() => decodeCursor(cursor), { status: 400 }, cursor);
  }
});

cursors.run();
