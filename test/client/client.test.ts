/**
 * The typed client against the real server: the example host app on
 * 127.0.0.1, every method, and the errors a caller has to handle.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { suite } from 'uvu';

import {
  createLmsClient,
  LmsApiError,
  parseRetryAfter,
  type LmsClient,
} from '../../client/index.js';
import { createMemoryStorage } from '../../adapters/memory/index.js';
import { StorageUnavailableError } from '../../src/index.js';
import { withFaults } from '../support/http.js';
import {
  DEMO_USER_ID,
  OTHER_USER_ID,
  startLiveHost,
  type LiveHost,
} from '../support/live-host.js';

interface Receiver {
  url: string;
  bodies: string[];
  close(): Promise<void>;
}

/** A webhook receiver on loopback that answers 204 and keeps each body. */
async function startReceiver(): Promise<Receiver> {
  const bodies: string[] = [];
  const server = http.createServer((req, res) => {
    let body = '';

    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      bodies.push(body);
      res.writeHead(204).end();
    });
  });

  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));

  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/hooks`,
    bodies,
    close: () => new Promise((done) => server.close(() => done())),
  };
}

const LOOPBACK_WEBHOOKS = {
  dispatch: false,
  allowPrivateNetworks: true,
  allowHttp: true,
};

const state = {} as { host: LiveHost; receiver: Receiver; master: LmsClient };

function clientWith(key: string): LmsClient {
  return createLmsClient({ baseUrl: state.host.baseUrl, key });
}

async function rejection(promise: Promise<unknown>): Promise<LmsApiError> {
  const error = await promise.then(
    () => assert.fail('expected the call to fail'),
    (caught: unknown) => caught,
  );

  assert.ok(error instanceof LmsApiError, String(error));

  return error;
}

const test = suite('typed client against the server');

test.before(async () => {
  state.host = await startLiveHost({ webhooks: LOOPBACK_WEBHOOKS });
  state.receiver = await startReceiver();
  state.master = clientWith(state.host.masterKey);
});

test.after(async () => {
  await state.host.close();
  await state.receiver.close();
});

test('directory() returns the service and its endpoints', async () => {
  const directory = await state.master.directory();

  assert.equal(directory.version, 'v1');
  assert.equal(directory.docs, `${state.host.baseUrl}/docs`);
  assert.ok(directory.endpoints.some((e) => e.path.endsWith('/openapi.json')));
});

test('listCategories() passes search and includeOff', async () => {
  const aws = await state.master.listCategories({ search: 'aws' });
  const active = await state.master.listCategories();
  const all = await state.master.listCategories({ includeOff: true });

  assert.deepEqual(aws.map((c) => c.code).sort(), ['AWS-ARCH', 'AWS-DEV']);
  assert.equal(all.length, active.length + 1);
});

test('getProgress() passes recent and a Date fromUtc', async () => {
  const client = clientWith(state.host.keys.readOnly);
  const everything = await client.getProgress(DEMO_USER_ID);
  const recent = await client.getProgress(DEMO_USER_ID, { recent: 2 });
  const since = new Date(everything.attempts[1].completedAt);
  const windowed = await client.getProgress(DEMO_USER_ID, { fromUtc: since });

  assert.equal(everything.attempts.length, 5);
  assert.deepEqual(recent.attempts, everything.attempts.slice(0, 2));
  assert.deepEqual(windowed.attempts, everything.attempts.slice(0, 2));
});

test('createAssignment() sends a Date dueAt as an ISO instant', async () => {
  const client = clientWith(state.host.keys.readWrite);
  const assignment = await client.createAssignment({
    userId: DEMO_USER_ID,
    categoryId: 42,
    dueAt: new Date('2026-05-01T00:00:00Z'),
    note: 'AWS SAA prep',
  });

  assert.equal(assignment.dueAt, '2026-05-01T00:00:00Z');
  assert.equal(assignment.note, 'AWS SAA prep');
  assert.equal(assignment.launchUrl,
    `${state.host.origin}/Learning/Assignment/${assignment.assignmentId}`);
});

test('manages a webhook from registration to removal', async () => {
  const client = clientWith(state.host.keys.readWrite);
  const created = await client.createWebhook({
    url: state.receiver.url,
    events: ['assignment.created', 'webhook.test'],
    description: 'client test',
  });
  const listed = await client.listWebhooks();
  const paused = await client.updateWebhook(created.webhookId,
    { isActive: false, description: 'paused' });
  const rotated = await client.rotateWebhookSecret(created.webhookId);

  assert.match(created.secret, /^whsec_/);
  assert.deepEqual(listed.map((w) => w.webhookId), [created.webhookId]);
  assert.equal('secret' in listed[0], false);
  assert.equal(paused.isActive, false);
  assert.equal(paused.description, 'paused');
  assert.notEqual(rotated.secret, created.secret);

  await client.deleteWebhook(created.webhookId);
  assert.deepEqual(await client.listWebhooks(), []);
});

test('tests a webhook, reads its deliveries and redelivers one', async () => {
  const client = clientWith(state.host.keys.readWrite);
  const { webhookId } = await client.createWebhook({
    url: state.receiver.url,
    events: ['webhook.test'],
  });
  const ping = await client.testWebhook(webhookId);
  const page = await client.listWebhookDeliveries(webhookId, { limit: 1 });
  const again = await client.redeliverWebhookDelivery(webhookId,
    page.data[0].deliveryId);

  assert.equal(ping.delivered, true);
  assert.equal(ping.statusCode, 204);
  assert.ok(state.receiver.bodies.some((b) => b.includes('"webhook.test"')));
  assert.equal(page.data.length, 1);
  assert.equal(page.data[0].eventType, 'webhook.test');
  assert.equal(again.eventId, page.data[0].eventId);
  await client.deleteWebhook(webhookId);
});

test('openApi() returns the document', async () => {
  const doc = await state.master.openApi();

  assert.equal(doc.openapi, '3.1.0');
  assert.ok(doc.paths['/categories']);
});

test('throws LmsApiError 401 for an unknown key', async () => {
  const error = await rejection(clientWith('cb_nope').listCategories());

  assert.equal(error.status, 401);
  assert.equal(error.message, 'Invalid or inactive API key.');
  assert.equal(error.name, 'LmsApiError');
  assert.equal(error.retryAfterSeconds, undefined);
});

test('throws LmsApiError 403 when the key lacks the permission', async () => {
  const client = clientWith(state.host.keys.readOnly);
  const error = await rejection(
    client.createAssignment({ userId: DEMO_USER_ID, categoryId: 42 }),
  );

  assert.equal(error.status, 403);
  assert.match(error.message, /ReadOnly permission/);
});

test('throws LmsApiError 403 for another user\'s progress', async () => {
  const client = clientWith(state.host.keys.readOnly);
  const error = await rejection(client.getProgress(OTHER_USER_ID));

  assert.equal(error.status, 403);
});

test('throws LmsApiError 404 for an unknown user or webhook', async () => {
  const user = await rejection(state.master.getProgress('no-such-user'));
  const hook = await rejection(state.master.deleteWebhook('wh_missing'));

  assert.equal(user.status, 404);
  assert.equal(user.message, 'Unknown userId.');
  assert.equal(hook.status, 404);
});

test('throws LmsApiError 400 naming the field', async () => {
  const error = await rejection(
    state.master.getProgress(DEMO_USER_ID, { recent: 0 }),
  );

  assert.equal(error.status, 400);
  assert.match(error.message, /"recent"/);
});

test('encodes path parameters', async () => {
  const urls: string[] = [];
  const client = createLmsClient({
    baseUrl: state.host.baseUrl,
    key: state.host.masterKey,
    fetch: (input, init) => {
      urls.push(String(input));

      return fetch(input, init);
    },
  });
  const error = await rejection(client.getProgress('a/b?c=1#d'));

  assert.equal(error.status, 404);
  assert.equal(urls[0],
    `${state.host.baseUrl}/users/a%2Fb%3Fc%3D1%23d/progress`);
});

test('sends the key in the configured header', async () => {
  const host = await startLiveHost({ keyHeader: 'X-Lms-Key' });

  try {
    const client = createLmsClient({
      baseUrl: `${host.baseUrl}/`,
      key: host.masterKey,
      keyHeader: 'X-Lms-Key',
    });
    const wrongHeader = createLmsClient({
      baseUrl: host.baseUrl,
      key: host.masterKey,
    });

    assert.equal((await client.directory()).version, 'v1');
    assert.equal((await rejection(wrongHeader.directory())).status, 401);
  } finally {
    await host.close();
  }
});

test('exposes Retry-After on a 503 from unavailable storage', async () => {
  const faulty = withFaults(createMemoryStorage());
  const host = await startLiveHost({ storage: faulty.storage });

  try {
    faulty.fail('catalog.listCategories', new StorageUnavailableError());

    const client = createLmsClient({ baseUrl: host.baseUrl, key: host.masterKey });
    const error = await rejection(client.listCategories());

    assert.equal(error.status, 503);
    assert.equal(error.retryAfterSeconds, 5);
    assert.match(error.message, /temporarily unavailable/);
  } finally {
    await host.close();
  }
});

test.run();

const offline = suite('typed client without a server');

function answering(response: Response): typeof fetch {
  return async () => response;
}

offline('checks its options and names the bad one', () => {
  const base = { baseUrl: 'https://lms.example.com/api/lms/v1', key: 'k' };

  assert.throws(() => createLmsClient({ ...base, baseUrl: 'lms/api' }),
    /createLmsClient: `baseUrl` must be an absolute http\(s\) URL/);
  assert.throws(() => createLmsClient({ ...base, key: ' ' }),
    /`key` must be a non-empty string/);
  assert.throws(
    () => createLmsClient({ ...base, fetch: 'no' as unknown as typeof fetch }),
    /`fetch` must be a function/,
  );
});

offline('reads Retry-After as seconds or as an HTTP date', () => {
  const now = new Date('2026-04-19T23:45:11Z');

  assert.equal(parseRetryAfter('120', now), 120);
  assert.equal(parseRetryAfter('Sun, 19 Apr 2026 23:46:11 GMT', now), 60);
  assert.equal(parseRetryAfter('Sun, 19 Apr 2026 23:00:00 GMT', now), 0);
  assert.equal(parseRetryAfter('soon', now), undefined);
  assert.equal(parseRetryAfter(null, now), undefined);
});

offline('exposes Retry-After on a 429', async () => {
  const client = createLmsClient({
    baseUrl: 'https://lms.example.com/api/lms/v1',
    key: 'k',
    fetch: answering(new Response('{"error":"Slow down."}', {
      status: 429, headers: { 'Retry-After': '7' },
    })),
  });
  const error = await rejection(client.directory());

  assert.equal(error.status, 429);
  assert.equal(error.message, 'Slow down.');
  assert.equal(error.retryAfterSeconds, 7);
});

offline('keeps the status when the error body is not JSON', async () => {
  const client = createLmsClient({
    baseUrl: 'https://lms.example.com/api/lms/v1',
    key: 'k',
    fetch: answering(new Response('<h1>Bad gateway</h1>', { status: 502 })),
  });
  const error = await rejection(client.directory());

  assert.equal(error.status, 502);
  assert.equal(error.message, 'HTTP 502');
});

offline('imports nothing at run time but types', () => {
  const source = readFileSync(
    new URL('../../client/index.ts', import.meta.url), 'utf8');
  const imports = [...source.matchAll(/^import\s+(type\s+)?[^;]*?from\s+'([^']+)'/gms)];

  assert.ok(imports.length > 0);
  for (const [statement, typeOnly] of imports) {
    assert.ok(typeOnly, `not type-only: ${statement}`);
  }
  assert.doesNotMatch(source, /from '(koa|knex|@koa\/[^']+)'/);
});

offline.run();
