/**
 * Interoperability with the reference `standardwebhooks` library, both
 * ways: it accepts what we sign, and we accept what it signs.
 */
import assert from 'node:assert/strict';
import { Webhook } from 'standardwebhooks';
import { suite } from 'uvu';

import {
  signWebhook,
  webhookHeaders,
} from '../../src/services/delivery/signing.js';
import { webEngine } from '../../verify/engine.js';
import { verifyWebhook } from '../../verify/index.js';
import { verifyWebhookWith } from '../../verify/verify.js';
import { envelopeBody, newSecret } from './helpers.js';

const test = suite('standardwebhooks interop');

// The library reads the wall clock, so deliveries for it are signed now.
function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

test('the library verifies what signWebhook signs', () => {
  const secret = newSecret();
  const body = envelopeBody();
  const headers = webhookHeaders({
    id: 'evt_1',
    timestamp: nowSeconds(),
    body,
    secrets: [secret],
  });

  assert.deepEqual(new Webhook(secret).verify(body, headers), JSON.parse(body));
});

test('the library verifies a rotation header under either secret', () => {
  const [previous, next] = [newSecret(), newSecret()];
  const body = envelopeBody();
  const timestamp = nowSeconds();
  const signature = signWebhook({
    id: 'evt_2',
    timestamp,
    body,
    secrets: [next, previous],
  });
  const headers = {
    'webhook-id': 'evt_2',
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signature,
  };

  for (const secret of [previous, next]) {
    assert.ok(new Webhook(secret).verify(body, headers));
  }
  assert.throws(() => new Webhook(newSecret()).verify(body, headers));
});

test('verifyWebhook accepts what the library signs', async () => {
  const secret = newSecret();
  const body = envelopeBody();
  const sentAt = new Date('2026-03-01T12:00:00Z');
  const headers = {
    'webhook-id': 'msg_lib',
    'webhook-timestamp': String(sentAt.getTime() / 1000),
    'webhook-signature': new Webhook(secret).sign('msg_lib', sentAt, body),
  };
  const options = { now: () => sentAt };

  assert.deepEqual(
    await verifyWebhook(body, headers, secret, options),
    JSON.parse(body),
  );
  assert.deepEqual(
    await verifyWebhookWith(webEngine, body, headers, secret, options),
    JSON.parse(body),
  );
});

test('verifyWebhook rejects a library signature by another key', async () => {
  const body = envelopeBody();
  const sentAt = new Date('2026-03-01T12:00:00Z');
  const headers = {
    'webhook-id': 'msg_lib',
    'webhook-timestamp': String(sentAt.getTime() / 1000),
    'webhook-signature': new Webhook(newSecret()).sign('msg_lib', sentAt, body),
  };

  await assert.rejects(
    verifyWebhook(body, headers, newSecret(), { now: () => sentAt }),
    { code: 'no_matching_signature' },
  );
});

test.run();
