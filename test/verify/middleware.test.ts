/**
 * verifyWebhookMiddleware in a real Koa app, driven over HTTP.
 */
import assert from 'node:assert/strict';
import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { bodyParser } from '@koa/bodyparser';
import Koa from 'koa';
import supertest from 'supertest';
import { suite } from 'uvu';

import {
  verifyWebhookMiddleware,
  type WebhookMiddlewareOptions,
} from '../../verify/index.js';
import {
  NOW,
  atNow,
  envelopeBody,
  newSecret,
  signedHeaders,
} from './helpers.js';

interface Seen {
  webhook: unknown;
  webhookId: unknown;
}

function appWith(secret: string, options: WebhookMiddlewareOptions = {}) {
  const app = new Koa();
  const seen: Seen[] = [];

  app.silent = true;
  app.use(verifyWebhookMiddleware(secret, { ...atNow, ...options }));
  app.use((ctx) => {
    seen.push({ webhook: ctx.state.webhook, webhookId: ctx.state.webhookId });
    ctx.status = 204;
  });

  return { app, seen };
}

function post(app: Koa, body: string, headers: Record<string, string>) {
  return supertest(app.callback())
    .post('/hooks')
    .set({ 'content-type': 'application/json', ...headers })
    .send(body);
}

const test = suite('verifyWebhookMiddleware');
const secret = newSecret();
const body = envelopeBody();

test('verifies, fills ctx.state and calls next', async () => {
  const { app, seen } = appWith(secret);
  const headers = signedHeaders(secret, body, { id: 'msg_ok' });

  await post(app, body, headers).expect(204);
  assert.deepEqual(seen, [{ webhook: JSON.parse(body), webhookId: 'msg_ok' }]);
});

test('answers 401 for a bad signature and skips next', async () => {
  const { app, seen } = appWith(secret);
  const headers = signedHeaders(newSecret(), body);
  const response = await post(app, body, headers).expect(401);

  assert.deepEqual(response.body, { error: 'No matching signature found.' });
  assert.equal(seen.length, 0);
});

test('answers 401 for a timestamp outside the tolerance', async () => {
  const { app, seen } = appWith(secret);
  const headers = signedHeaders(secret, body, { timestamp: NOW - 3600 });
  const response = await post(app, body, headers).expect(401);

  assert.equal(response.body.error, 'Message timestamp too old.');
  assert.equal(seen.length, 0);
});

test('answers 400 for a missing header, timestamp or bad JSON', async () => {
  const { app, seen } = appWith(secret);
  const { 'webhook-id': _, ...noId } = signedHeaders(secret, body);
  const badTime = { ...signedHeaders(secret, body), 'webhook-timestamp': 'x' };
  const notJson = '{"type":';

  const missing = await post(app, body, noId).expect(400);
  const malformed = await post(app, body, badTime).expect(400);
  const unparsable = await post(app, notJson, signedHeaders(secret, notJson))
    .expect(400);

  assert.deepEqual(missing.body, { error: 'Missing webhook-id header.' });
  assert.equal(malformed.body.error, 'Malformed webhook-timestamp header.');
  assert.equal(unparsable.body.error, 'Body is not valid JSON.');
  assert.equal(seen.length, 0);
});

test('answers 413 when Content-Length passes the limit', async () => {
  const { app, seen } = appWith(secret);
  const big = JSON.stringify({ pad: 'x'.repeat(1024 * 1024) });
  const response = await post(app, big, signedHeaders(secret, big)).expect(413);

  assert.deepEqual(response.body, { error: 'Request body too large.' });
  assert.equal(seen.length, 0);
});

test('answers 413 from Content-Length without reading the body', async () => {
  const middleware = verifyWebhookMiddleware(secret);
  const unread = () => assert.fail('the body should not be read');
  const ctx = {
    req: { on: unread, removeListener: unread },
    request: { headers: { 'content-length': String(2 * 1024 * 1024) } },
    status: 404,
    body: undefined as unknown,
    state: {},
  };

  await middleware(ctx, async () => assert.fail('next should not run'));
  assert.equal(ctx.status, 413);
  assert.deepEqual(ctx.body, { error: 'Request body too large.' });
});

test('accepts a body of exactly maxBodyBytes', async () => {
  const padding = 'x'.repeat(200);
  const exact = JSON.stringify({ type: 't', timestamp: '', data: padding });
  const { app, seen } = appWith(secret, { maxBodyBytes: exact.length });

  await post(app, exact, signedHeaders(secret, exact)).expect(204);
  assert.equal(seen.length, 1);
});

test('answers 413 for a chunked body that grows past the limit', async () => {
  const { app, seen } = appWith(secret, { maxBodyBytes: 1000 });
  const server = app.listen(0);

  try {
    const chunks = ['{"pad":"', 'y'.repeat(2000), '"}'];
    const status = await sendChunked(server, chunks);

    assert.equal(status, 413);
    assert.equal(seen.length, 0);
  } finally {
    server.close();
  }
});

test('uses ctx.request.rawBody left by a body parser', async () => {
  const app = new Koa();
  const seen: unknown[] = [];

  app.use(bodyParser());
  app.use(verifyWebhookMiddleware(secret, atNow));
  app.use((ctx) => {
    seen.push(ctx.state.webhook);
    ctx.status = 204;
  });

  await post(app, body, signedHeaders(secret, body)).expect(204);
  assert.deepEqual(seen, [JSON.parse(body)]);
});

test('answers 500 when the body was consumed and not kept', async () => {
  const app = new Koa();

  app.silent = true;
  app.use(async (ctx, next) => {
    for await (const _chunk of ctx.req) {
      // Drain the stream the way a careless parser would.
    }
    await next();
  });
  app.use(verifyWebhookMiddleware(secret, atNow));

  const response = await post(app, body, signedHeaders(secret, body));

  assert.equal(response.status, 500);
  assert.doesNotMatch(response.text, /body parser/);
});

test('throws at setup for an empty secret or a bad limit', () => {
  assert.throws(() => verifyWebhookMiddleware(''), {
    name: 'TypeError',
    message: /`secret`/,
  });
  assert.throws(() => verifyWebhookMiddleware([]), TypeError);
  for (const maxBodyBytes of [0, -1, 1.5]) {
    assert.throws(() => verifyWebhookMiddleware(secret, { maxBodyBytes }), {
      name: 'TypeError',
      message: /`maxBodyBytes`/,
    });
  }
});

test('does not change the options it is given', () => {
  const options = Object.freeze({ toleranceSeconds: 5 });

  assert.doesNotThrow(() => verifyWebhookMiddleware(secret, options));
  assert.deepEqual(options, { toleranceSeconds: 5 });
});

test.run();

// Sends without Content-Length so the limit must trip while reading.
function sendChunked(server: Server, chunks: string[]): Promise<number> {
  const { port } = server.address() as AddressInfo;

  return new Promise((resolve, reject) => {
    const headers = signedHeaders(secret, chunks.join(''));
    const options = { port, method: 'POST', path: '/hooks', headers };
    const req = httpRequest(options, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });

    req.on('error', reject);
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}
