/**
 * The example receiver in examples/receiver, started in-process.
 */
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { suite } from 'uvu';

import { createReceiver } from '../../examples/receiver/server.js';
import type { WebhookEventEnvelope } from '../../verify/index.js';
import { envelopeBody, newSecret, oracleSign } from './helpers.js';

interface Context {
  server: Server;
  url: string;
  processed: Array<{ id: string; event: WebhookEventEnvelope }>;
  failNext: boolean;
}

const secret = newSecret();
const test = suite<Context>('example receiver');

test.before.each(async (context) => {
  context.processed = [];
  context.failNext = false;
  context.server = createReceiver({
    secret,
    onEvent: (event, id) => {
      if (context.failNext) {
        context.failNext = false;
        throw new Error('handler failed');
      }
      context.processed.push({ id, event });
    },
  });
  await new Promise<void>((resolve) => context.server.listen(0, resolve));

  const { port } = context.server.address() as AddressInfo;

  context.url = `http://127.0.0.1:${port}/webhooks`;
});

test.after.each(async ({ server }) => {
  await new Promise((resolve) => server.close(resolve));
});

// The receiver checks the wall clock, so deliveries are signed now.
function deliver(url: string, id: string, signWith = secret) {
  const body = envelopeBody();
  const timestamp = Math.floor(Date.now() / 1000);

  return fetch(url, {
    method: 'POST',
    body,
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': oracleSign(signWith, id, timestamp, body),
    },
  });
}

test('accepts a valid delivery and processes it once', async (context) => {
  const response = await deliver(context.url, 'msg_a');

  assert.equal(response.status, 200);
  assert.deepEqual(await response.json(), { duplicate: false });
  assert.deepEqual(context.processed, [
    { id: 'msg_a', event: JSON.parse(envelopeBody()) },
  ]);
});

test('acknowledges a repeated webhook-id unprocessed', async (context) => {
  const first = await deliver(context.url, 'msg_b');
  const repeat = await deliver(context.url, 'msg_b');

  assert.equal(first.status, 200);
  assert.equal(repeat.status, 200);
  assert.deepEqual(await repeat.json(), { duplicate: true });
  assert.equal(context.processed.length, 1);
});

test('answers 401 for a bad signature', async (context) => {
  const response = await deliver(context.url, 'msg_c', newSecret());

  assert.equal(response.status, 401);
  assert.deepEqual(await response.json(), {
    error: 'No matching signature found.',
  });
  assert.equal(context.processed.length, 0);
});

test('does not remember an id whose handler failed', async (context) => {
  context.failNext = true;

  const failed = await deliver(context.url, 'msg_d');
  const retried = await deliver(context.url, 'msg_d');

  assert.equal(failed.status, 500);
  assert.equal(retried.status, 200);
  assert.equal(context.processed.length, 1);
});

test('forgets the oldest id once full', async () => {
  const processed: string[] = [];
  const server = createReceiver({
    secret,
    rememberIds: 2,
    onEvent: (_event, id) => void processed.push(id),
  });

  await new Promise<void>((resolve) => server.listen(0, resolve));

  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}/`;

  try {
    for (const id of ['m1', 'm2', 'm3', 'm1', 'm3']) await deliver(url, id);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }

  assert.deepEqual(processed, ['m1', 'm2', 'm3', 'm1']);
});

test('answers 405 to anything but POST', async (context) => {
  const response = await fetch(context.url);

  assert.equal(response.status, 405);
});

test.run();
