import assert from 'node:assert/strict';
import { suite } from 'uvu';

import {
  generateWebhookSecret,
  signWebhook,
  webhookHeaders,
} from '../../src/services/delivery/signing.js';
import { NOW, newSecret, oracleSign } from './helpers.js';

const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};

const test = suite('signWebhook');

test('reproduces the Standard Webhooks test vector', () => {
  const { secret, signature, ...rest } = VECTOR;

  assert.equal(signWebhook({ ...rest, secrets: [secret] }), signature);
});

test('matches an HMAC computed independently', () => {
  const secret = newSecret();
  const body = '{"type":"webhook.test","data":{"ünïcode":"✓"}}';
  const input = { id: 'evt_42', timestamp: NOW, body, secrets: [secret] };

  assert.equal(signWebhook(input), oracleSign(secret, 'evt_42', NOW, body));
});

test('signs once per secret, space separated, in the given order', () => {
  const [a, b] = [newSecret(), newSecret()];
  const input = { id: 'evt_1', timestamp: NOW, body: '{}', secrets: [a, b] };
  const expected = [
    oracleSign(a, 'evt_1', NOW, '{}'),
    oracleSign(b, 'evt_1', NOW, '{}'),
  ].join(' ');

  assert.equal(signWebhook(input), expected);
});

test('accepts a secret without the whsec_ prefix', () => {
  const { secret, signature, ...rest } = VECTOR;
  const bare = secret.slice('whsec_'.length);

  assert.equal(signWebhook({ ...rest, secrets: [bare] }), signature);
});

test('gives the same answer when a cached key is reused', () => {
  const { secret, signature, ...rest } = VECTOR;

  for (let i = 0; i < 3; i++) {
    assert.equal(signWebhook({ ...rest, secrets: [secret] }), signature);
  }
});

test('rejects a missing, empty or non-base64 secret', () => {
  const input = { id: 'evt_1', timestamp: NOW, body: '{}' };

  for (const secrets of [[], [''], ['whsec_'], ['whsec_***'], ['whsec_A=']]) {
    assert.throws(() => signWebhook({ ...input, secrets }), TypeError);
  }
});

test('rejects an empty id and a timestamp that is not whole seconds', () => {
  const input = { body: '{}', secrets: [newSecret()] };

  assert.throws(() => signWebhook({ ...input, id: '', timestamp: NOW }), {
    name: 'TypeError',
    message: /`id`/,
  });
  for (const timestamp of [NOW + 0.5, -1, Number.NaN]) {
    assert.throws(() => signWebhook({ ...input, id: 'e', timestamp }), {
      name: 'TypeError',
      message: /`timestamp`/,
    });
  }
});

test.run();

const headers = suite('webhookHeaders');

headers('returns every header a delivery carries', () => {
  const { secret, signature, ...rest } = VECTOR;

  assert.deepEqual(webhookHeaders({ ...rest, secrets: [secret] }), {
    'webhook-id': VECTOR.id,
    'webhook-timestamp': '1614265330',
    'webhook-signature': signature,
    'content-type': 'application/json',
    'user-agent': 'CertBoost-LMS-Webhooks/1',
  });
});

headers.run();

const secrets = suite('generateWebhookSecret');

secrets('returns whsec_ and base64 of 32 bytes', () => {
  const secret = generateWebhookSecret();

  assert.match(secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
  assert.equal(Buffer.from(secret.slice(6), 'base64').length, 32);
});

secrets('returns a different secret each time', () => {
  const seen = new Set(Array.from({ length: 50 }, generateWebhookSecret));

  assert.equal(seen.size, 50);
});

secrets('makes secrets that sign', () => {
  const secret = generateWebhookSecret();
  const input = { id: 'e', timestamp: NOW, body: '{}', secrets: [secret] };

  assert.equal(signWebhook(input), oracleSign(secret, 'e', NOW, '{}'));
});

secrets.run();
