/**
 * Test pings, the delivery log and redelivery over HTTP, with real
 * receivers on 127.0.0.1; plus tenancy and signatures end to end.
 */
import assert from 'node:assert/strict';

import { Webhook } from 'standardwebhooks';
import { suite } from 'uvu';

import {
  DEMO_USER_ID,
  OTHER_USER_ID,
  PREFIX,
  makeHost,
  withKey,
  type Host,
} from '../support/http.js';
import {
  oracleSignature,
  signaturesOf,
  startReceiver,
  type Receiver,
} from './helpers.js';

const LOOPBACK = {
  dispatch: false,
  allowPrivateNetworks: true,
  allowHttp: true,
};

interface Context {
  host: Host;
  receiver: Receiver;
}

const HOUR = 3600 * 1000;

function register(host: Host, key: string, url: string, events: string[]) {
  return host.http().post(`${PREFIX}/webhooks`).set(withKey(key))
    .send({ url, events });
}

function assign(host: Host, userId: string) {
  return host.http().post(`${PREFIX}/assignments`)
    .set(withKey(host.masterKey)).send({ userId, categoryId: 42 });
}

function deliveries(host: Host, id: string, query = '') {
  return host.http().get(`${PREFIX}/webhooks/${id}/deliveries${query}`)
    .set(withKey(host.masterKey));
}

function eventsAt(receiver: Receiver, path: string) {
  return receiver.received
    .filter((r) => r.path === path)
    .map((r) => JSON.parse(r.body) as { type: string; data: unknown });
}

function setup(name: string, options: Parameters<typeof makeHost>[0] = {}) {
  const test = suite<Context>(name, {
    host: undefined as unknown as Host,
    receiver: undefined as unknown as Receiver,
  });

  test.before.each(async (context) => {
    context.receiver = await startReceiver();
    context.host = await makeHost({ webhooks: LOOPBACK, ...options });
  });
  test.after.each(async ({ host, receiver }) => {
    await host.lms.close();
    await receiver.close();
  });

  return test;
}

const ping = setup('POST /webhooks/{id}/test');

ping('sends webhook.test at once and reports 200', async (c) => {
  const { host, receiver } = c;
  const created = await register(host, host.keys.demo.ReadWrite,
    `${receiver.origin}/ping`, ['assignment.created']);
  const id = created.body.webhookId;
  const response = await host.http().post(`${PREFIX}/webhooks/${id}/test`)
    .set(withKey(host.keys.demo.ReadWrite));
  const [request] = receiver.received;
  const envelope = JSON.parse(request.body);

  assert.equal(response.status, 200);
  assert.equal(response.body.delivered, true);
  assert.equal(response.body.statusCode, 200);
  assert.equal(typeof response.body.durationMs, 'number');
  assert.equal('error' in response.body, false);
  assert.equal(receiver.received.length, 1);
  assert.equal(envelope.type, 'webhook.test');
  assert.equal(envelope.timestamp, '2026-04-19T23:45:11.000Z');
  assert.deepEqual(envelope.data, {
    webhookId: id, message: 'Test ping from CertBoost LMS.',
  });
  assert.deepEqual(signaturesOf(request),
    [oracleSignature(created.body.secret, request.headers, request.body)]);
});

ping('reports a non-2xx answer and logs it without a retry', async (c) => {
  const { host, receiver } = c;

  receiver.respond = () => ({ status: 500, body: 'down for maintenance' });

  const created = await register(host, host.masterKey,
    `${receiver.origin}/ping`, ['attempt.completed']);
  const id = created.body.webhookId;
  const response = await host.http().post(`${PREFIX}/webhooks/${id}/test`)
    .set(withKey(host.masterKey));
  const log = await deliveries(host, id);
  const [row] = log.body.data;
  const stored = await host.storage.webhooks.getDelivery(row.deliveryId);

  assert.equal(response.body.delivered, false);
  assert.equal(response.body.statusCode, 500);
  assert.equal(response.body.error, 'The receiver answered 500.');
  assert.equal(row.eventType, 'webhook.test');
  assert.equal(row.status, 'failed');
  assert.equal(row.attempts, 1);
  assert.equal(row.lastStatusCode, 500);
  assert.equal(row.nextAttemptAt, null);
  assert.equal(stored?.lastResponseBody, 'down for maintenance');
});

ping('reports a refused connection', async (c) => {
  const { host, receiver } = c;
  const created = await register(host, host.masterKey,
    `${receiver.origin}/ping`, ['attempt.completed']);

  await receiver.close();

  const response = await host.http()
    .post(`${PREFIX}/webhooks/${created.body.webhookId}/test`)
    .set(withKey(host.masterKey));

  assert.equal(response.body.delivered, false);
  assert.equal(response.body.statusCode, null);
  assert.equal(response.body.error, 'Connection refused.');
});

ping('goes only to that subscription', async (c) => {
  const { host, receiver } = c;
  const target = await register(host, host.masterKey,
    `${receiver.origin}/target`, ['assignment.created']);

  await register(host, host.masterKey, `${receiver.origin}/bystander`,
    ['assignment.created', 'webhook.test']);
  await host.http()
    .post(`${PREFIX}/webhooks/${target.body.webhookId}/test`)
    .set(withKey(host.masterKey));
  await host.lms.webhooks.runOnce();

  assert.deepEqual(receiver.received.map((r) => r.path), ['/target']);
});

ping.run();

const log = setup('GET /webhooks/{id}/deliveries');

log('pages newest first with an opaque cursor', async (c) => {
  const { host, receiver } = c;
  const created = await register(host, host.masterKey,
    `${receiver.origin}/log`, ['assignment.created']);
  const id = created.body.webhookId;

  for (let i = 0; i < 5; i++) {
    await assign(host, DEMO_USER_ID);
    host.clock.advance(1000);
  }

  const first = await deliveries(host, id, '?limit=2');
  const second = await deliveries(host, id,
    `?limit=2&cursor=${first.body.nextCursor}`);
  const third = await deliveries(host, id,
    `?limit=2&cursor=${second.body.nextCursor}`);
  const all = [...first.body.data, ...second.body.data, ...third.body.data];
  const times = all.map((d: { createdAt: string }) => d.createdAt);

  assert.equal(first.status, 200);
  assert.equal(first.body.data.length, 2);
  assert.equal(third.body.data.length, 1);
  assert.equal(third.body.nextCursor, null);
  assert.match(first.body.nextCursor, /^[\w-]+$/);
  assert.deepEqual(times, [...times].sort().reverse());
  assert.equal(new Set(all.map((d) => d.deliveryId)).size, 5);
  assert.deepEqual(Object.keys(all[0]).sort(), [
    'attempts', 'createdAt', 'deliveryId', 'eventId', 'eventType',
    'lastAttemptAt', 'lastError', 'lastStatusCode', 'nextAttemptAt',
    'status',
  ]);
});

log('defaults to 20 and shows attempts as they happen', async (c) => {
  const { host, receiver } = c;
  const created = await register(host, host.masterKey,
    `${receiver.origin}/log`, ['assignment.created']);
  const id = created.body.webhookId;

  for (let i = 0; i < 21; i++) await assign(host, DEMO_USER_ID);

  const before = await deliveries(host, id);

  await host.lms.webhooks.runOnce();
  await host.lms.webhooks.runOnce();

  const after = await deliveries(host, id, '?limit=1');
  const [row] = after.body.data;

  assert.equal(before.body.data.length, 20);
  assert.notEqual(before.body.nextCursor, null);
  assert.equal(before.body.data[0].status, 'pending');
  assert.equal(before.body.data[0].attempts, 0);
  assert.equal(before.body.data[0].lastAttemptAt, null);
  assert.equal(row.status, 'succeeded');
  assert.equal(row.attempts, 1);
  assert.equal(row.lastStatusCode, 200);
  assert.equal(row.lastAttemptAt, '2026-04-19T23:45:11Z');
  assert.equal(row.nextAttemptAt, null);
});

log('a bad cursor or limit is a 400', async (c) => {
  const { host, receiver } = c;
  const created = await register(host, host.masterKey,
    `${receiver.origin}/log`, ['assignment.created']);
  const id = created.body.webhookId;
  const forged = Buffer.from('["x","y"]').toString('base64url');

  for (const query of ['?cursor=%%%', `?cursor=${forged}`, '?limit=0',
    '?limit=101', '?limit=two']) {
    const response = await deliveries(host, id, query);

    assert.equal(response.status, 400, query);
  }
});

log.run();

const redeliver = setup('POST .../deliveries/{deliveryId}/redeliver');

redeliver('queues the same event again with the same webhook-id', async (c) => {
  const { host, receiver } = c;
  const created = await register(host, host.masterKey,
    `${receiver.origin}/again`, ['assignment.created']);
  const id = created.body.webhookId;

  await assign(host, DEMO_USER_ID);
  await host.lms.webhooks.runOnce();

  const [original] = (await deliveries(host, id)).body.data;

  host.clock.advance(HOUR);

  const response = await host.http()
    .post(`${PREFIX}/webhooks/${id}/deliveries/${original.deliveryId}` +
      '/redeliver')
    .set(withKey(host.masterKey));

  await host.lms.webhooks.runOnce();

  const [first, second] = receiver.received;

  assert.equal(response.status, 202);
  assert.notEqual(response.body.deliveryId, original.deliveryId);
  assert.equal(response.body.eventId, original.eventId);
  assert.equal(response.body.status, 'pending');
  assert.equal(response.body.createdAt, '2026-04-20T00:45:11Z');
  assert.equal(receiver.received.length, 2);
  assert.equal(first.headers['webhook-id'], original.eventId);
  assert.equal(second.headers['webhook-id'], original.eventId);
  assert.equal(first.body, second.body);
  assert.notEqual(first.headers['webhook-timestamp'],
    second.headers['webhook-timestamp']);
});

redeliver("another webhook's delivery is a 404", async (c) => {
  const { host, receiver } = c;
  const one = await register(host, host.masterKey, `${receiver.origin}/1`,
    ['assignment.created']);
  const two = await register(host, host.masterKey, `${receiver.origin}/2`,
    ['assignment.created']);

  await assign(host, DEMO_USER_ID);

  const [theirs] = (await deliveries(host, two.body.webhookId)).body.data;
  const response = await host.http()
    .post(`${PREFIX}/webhooks/${one.body.webhookId}/deliveries/` +
      `${theirs.deliveryId}/redeliver`)
    .set(withKey(host.masterKey));

  assert.equal(response.status, 404);
  assert.deepEqual(response.body, { error: 'No such delivery.' });
});

redeliver('a disabled webhook is a 409', async (c) => {
  const { host, receiver } = c;
  const created = await register(host, host.masterKey,
    `${receiver.origin}/off`, ['assignment.created']);
  const id = created.body.webhookId;

  await assign(host, DEMO_USER_ID);

  const [row] = (await deliveries(host, id)).body.data;

  await host.http().patch(`${PREFIX}/webhooks/${id}`)
    .set(withKey(host.masterKey)).send({ isActive: false });

  const response = await host.http()
    .post(`${PREFIX}/webhooks/${id}/deliveries/${row.deliveryId}/redeliver`)
    .set(withKey(host.masterKey));

  assert.equal(response.status, 409);
});

redeliver.run();

const tenancy = setup('tenancy');

tenancy("a user's webhook never sees another user's events", async (c) => {
  const { host, receiver } = c;

  await register(host, host.keys.demo.ReadWrite, `${receiver.origin}/demo`,
    ['assignment.created', 'attempt.completed']);
  await register(host, host.keys.other.ReadWrite, `${receiver.origin}/other`,
    ['assignment.created', 'attempt.completed']);
  await register(host, host.masterKey, `${receiver.origin}/master`,
    ['assignment.created', 'attempt.completed']);
  await assign(host, DEMO_USER_ID);
  await assign(host, OTHER_USER_ID);
  await host.lms.attempts.record({
    userId: OTHER_USER_ID, categoryId: 1, correct: 15, total: 20,
    source: 'practice',
  });
  await host.lms.webhooks.runOnce();

  const about = (path: string) => eventsAt(receiver, path)
    .map((e) => `${e.type} ${(e.data as { userId: string }).userId}`)
    .sort();

  assert.deepEqual(about('/demo'), [`assignment.created ${DEMO_USER_ID}`]);
  assert.deepEqual(about('/other'), [
    `assignment.created ${OTHER_USER_ID}`,
    `attempt.completed ${OTHER_USER_ID}`,
  ]);
  assert.deepEqual(about('/master'), [
    `assignment.created ${DEMO_USER_ID}`,
    `assignment.created ${OTHER_USER_ID}`,
    `attempt.completed ${OTHER_USER_ID}`,
  ].sort());
});

tenancy('events carry the assignment as the API returned it', async (c) => {
  const { host, receiver } = c;

  await register(host, host.keys.demo.ReadWrite, `${receiver.origin}/demo`,
    ['assignment.created']);

  const created = await assign(host, DEMO_USER_ID);

  await host.lms.webhooks.runOnce();

  const [envelope] = eventsAt(receiver, '/demo');

  assert.deepEqual(envelope, {
    type: 'assignment.created',
    timestamp: '2026-04-19T23:45:11.000Z',
    data: created.body,
  });
});

tenancy.run();

// The standardwebhooks library checks timestamps against the real clock,
// so this suite runs the API on a clock that starts at the real time.
const realTime = new Date();
let offsetMs = 0;
const signing = setup('signatures', {
  now: () => new Date(realTime.getTime() + offsetMs),
});

signing.before.each(() => {
  offsetMs = 0;
});

signing('deliveries verify with the standardwebhooks library', async (c) => {
  const { host, receiver } = c;
  const created = await register(host, host.keys.demo.ReadWrite,
    `${receiver.origin}/signed`, ['assignment.created']);

  await assign(host, DEMO_USER_ID);
  await host.lms.webhooks.runOnce();

  const [request] = receiver.received;
  const headers = request.headers as Record<string, string>;
  const verified = new Webhook(created.body.secret).verify(request.body,
    headers);

  assert.deepEqual(verified, JSON.parse(request.body));
  assert.match(headers['webhook-id'], /^evt_[\w-]+$/);
  assert.equal(headers['webhook-timestamp'],
    String(Math.floor(realTime.getTime() / 1000)));
  assert.equal(headers['content-type'], 'application/json');
});

signing('both secrets sign during a rotation, then the new', async (c) => {
  const { host, receiver } = c;
  const created = await register(host, host.keys.demo.ReadWrite,
    `${receiver.origin}/rotating`, ['assignment.created']);
  const id = created.body.webhookId;
  const rotated = await host.http()
    .post(`${PREFIX}/webhooks/${id}/rotate-secret`)
    .set(withKey(host.keys.demo.ReadWrite));

  await assign(host, DEMO_USER_ID);
  await host.lms.webhooks.runOnce();

  const [during] = receiver.received;
  const headers = during.headers as Record<string, string>;

  offsetMs = 24 * HOUR + 1000;
  await assign(host, DEMO_USER_ID);
  await host.lms.webhooks.runOnce();

  const [, after] = receiver.received;

  for (const secret of [created.body.secret, rotated.body.secret]) {
    assert.deepEqual(new Webhook(secret).verify(during.body, headers),
      JSON.parse(during.body));
  }
  assert.deepEqual(signaturesOf(during), [
    oracleSignature(rotated.body.secret, during.headers, during.body),
    oracleSignature(created.body.secret, during.headers, during.body),
  ]);
  assert.deepEqual(signaturesOf(after),
    [oracleSignature(rotated.body.secret, after.headers, after.body)]);
});

signing.run();
