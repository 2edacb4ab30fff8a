/**
 * The `/webhooks` subscription routes over HTTP, through the example host
 * app on the memory adapter: create, list, patch, rotate, delete, and who
 * may see and change what.
 */
import assert from 'node:assert/strict';

import { suite } from 'uvu';

import {
  DEMO_USER_ID,
  OTHER_USER_ID,
  PREFIX,
  makeHost,
  withKey,
  type Host,
} from '../support/http.js';

const LOOPBACK = {
  dispatch: false,
  allowPrivateNetworks: true,
  allowHttp: true,
};
const HOOK_URL = 'http://127.0.0.1:9/lms';

interface Context {
  host: Host;
}

async function loopbackHost(): Promise<Host> {
  return makeHost({ webhooks: LOOPBACK });
}

function register(host: Host, key: string, body: object) {
  return host.http().post(`${PREFIX}/webhooks`).set(withKey(key)).send(body);
}

function registerDemo(host: Host, body: object = {}) {
  return register(host, host.keys.demo.ReadWrite, {
    url: HOOK_URL,
    events: ['assignment.created'],
    ...body,
  });
}

const test = suite<Context>('webhook subscriptions API', {
  host: undefined as unknown as Host,
});

test.before.each(async (context) => {
  context.host = await loopbackHost();
});

test.after.each(async ({ host }) => {
  await host.lms.close();
});

test('POST /webhooks answers 201 with the fields and a secret', async (c) => {
  const response = await registerDemo(c.host, {
    events: ['attempt.completed', 'assignment.created', 'attempt.completed'],
    description: 'CRM sync',
  });

  assert.equal(response.status, 201);
  assert.deepEqual(Object.keys(response.body).sort(), [
    'createdAt', 'description', 'disabledReason', 'events', 'isActive',
    'secret', 'url', 'webhookId',
  ]);
  assert.match(response.body.webhookId, /^wh_[\w-]+$/);
  assert.equal(response.body.url, HOOK_URL);
  assert.deepEqual(response.body.events,
    ['assignment.created', 'attempt.completed']);
  assert.equal(response.body.description, 'CRM sync');
  assert.equal(response.body.isActive, true);
  assert.equal(response.body.createdAt, '2026-04-19T23:45:11Z');
  assert.match(response.body.secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
  assert.equal(
    Buffer.from(response.body.secret.slice(6), 'base64').length, 32);
});

test('the secret never appears in a listing or an update', async (c) => {
  const created = await registerDemo(c.host);
  const id = created.body.webhookId;
  const listed = await c.host.http().get(`${PREFIX}/webhooks`)
    .set(withKey(c.host.keys.demo.ReadOnly));
  const patched = await c.host.http().patch(`${PREFIX}/webhooks/${id}`)
    .set(withKey(c.host.keys.demo.ReadWrite)).send({ description: 'x' });

  assert.equal(listed.status, 200);
  assert.equal(listed.body.length, 1);
  assert.equal('secret' in listed.body[0], false);
  assert.equal(patched.status, 200);
  assert.equal('secret' in patched.body, false);
  assert.equal(JSON.stringify(listed.body).includes(created.body.secret),
    false);
});

test('a user key lists only its own; the master key all', async (c) => {
  const { host } = c;

  await registerDemo(host);
  await register(host, host.keys.other.ReadWrite, {
    url: HOOK_URL, events: ['assignment.created'],
  });
  await register(host, host.masterKey, {
    url: HOOK_URL, events: ['assignment.created'],
  });

  const mine = await host.http().get(`${PREFIX}/webhooks`)
    .set(withKey(host.keys.demo.ReadOnly));
  const all = await host.http().get(`${PREFIX}/webhooks`)
    .set(withKey(host.masterKey));
  const owners = await host.storage.webhooks.listSubscriptions();

  assert.equal(mine.body.length, 1);
  assert.equal(all.body.length, 3);
  assert.deepEqual(owners.map((s) => s.ownerUserId ?? 'master').sort(),
    [DEMO_USER_ID, OTHER_USER_ID, 'master'].sort());
});

test('the same URL and event set twice is a 409, in any order', async (c) => {
  const first = await registerDemo(c.host, {
    events: ['assignment.created', 'attempt.completed'],
  });
  const again = await registerDemo(c.host, {
    events: ['attempt.completed', 'assignment.created'],
  });
  const otherSet = await registerDemo(c.host, {
    events: ['attempt.completed'],
  });

  assert.equal(first.status, 201);
  assert.equal(again.status, 409);
  assert.deepEqual(again.body, {
    error: 'A webhook with this URL and event set already exists.',
  });
  assert.equal(otherSet.status, 201);
});

test('another owner may register the same URL and events', async (c) => {
  await registerDemo(c.host);

  const other = await register(c.host, c.host.keys.other.ReadWrite, {
    url: HOOK_URL, events: ['assignment.created'],
  });

  assert.equal(other.status, 201);
});

test('a URL that is not http(s) is a 400', async (c) => {
  for (const url of ['ftp://127.0.0.1/x', 'javascript:alert(1)', 'nope']) {
    const response = await registerDemo(c.host, { url });

    assert.equal(response.status, 400, url);
    assert.match(response.body.error,
      /^Webhook URL (must use http or https|is not a valid absolute URL)\.$/);
  }
});

test('an unknown event type is a 400 that lists the known ones', async (c) => {
  const response = await registerDemo(c.host, {
    events: ['assignment.created', 'user.deleted'],
  });

  assert.equal(response.status, 400);
  assert.equal(response.body.error, 'Unknown event type. Known types: ' +
    'assignment.created, attempt.completed, webhook.test.');
  assert.equal(response.body.error.includes('user.deleted'), false);
});

test('an empty event list is a 400', async (c) => {
  const response = await registerDemo(c.host, { events: [] });

  assert.equal(response.status, 400);
  assert.match(response.body.error, /"events"/);
});

test('unknown body fields and missing ones are 400s', async (c) => {
  const extra = await registerDemo(c.host, { secret: 'whsec_mine' });
  const missing = await register(c.host, c.host.keys.demo.ReadWrite, {
    url: HOOK_URL,
  });

  assert.equal(extra.status, 400);
  assert.equal(extra.body.error, 'Unknown body field "secret".');
  assert.equal(missing.status, 400);
  assert.equal(missing.body.error, 'Missing required body field "events".');
});

test('DELETE answers 204, then 404', async (c) => {
  const created = await registerDemo(c.host);
  const path = `${PREFIX}/webhooks/${created.body.webhookId}`;
  const key = withKey(c.host.keys.demo.ReadWrite);
  const first = await c.host.http().delete(path).set(key);
  const second = await c.host.http().delete(path).set(key);

  assert.equal(first.status, 204);
  assert.equal(first.text, '');
  assert.equal(second.status, 404);
  assert.deepEqual(second.body, { error: 'No such webhook.' });
});

test("someone else's webhook is a 404 on every route", async (c) => {
  const { host } = c;
  const created = await registerDemo(host);
  const base = `${PREFIX}/webhooks/${created.body.webhookId}`;
  const key = withKey(host.keys.other.ReadWrite);
  const unknown = `${PREFIX}/webhooks/wh_unknown`;
  const responses = await Promise.all([
    host.http().delete(base).set(key),
    host.http().patch(base).set(key).send({ isActive: false }),
    host.http().post(`${base}/test`).set(key),
    host.http().post(`${base}/rotate-secret`).set(key),
    host.http().get(`${base}/deliveries`).set(key),
    host.http().post(`${base}/deliveries/dlv_x/redeliver`).set(key),
  ]);
  const notThere = await host.http().delete(unknown).set(key);

  for (const response of responses) {
    assert.equal(response.status, 404);
    assert.deepEqual(response.body, notThere.body);
  }
  assert.equal((await host.storage.webhooks.listSubscriptions()).length, 1);
});

test('the master key may manage a user webhook', async (c) => {
  const created = await registerDemo(c.host);
  const response = await c.host.http()
    .delete(`${PREFIX}/webhooks/${created.body.webhookId}`)
    .set(withKey(c.host.masterKey));

  assert.equal(response.status, 204);
});

test('a ReadOnly key may list but not change anything', async (c) => {
  const { host } = c;
  const created = await registerDemo(host);
  const base = `${PREFIX}/webhooks/${created.body.webhookId}`;
  const key = withKey(host.keys.demo.ReadOnly);
  const refused = await Promise.all([
    host.http().post(`${PREFIX}/webhooks`).set(key)
      .send({ url: HOOK_URL, events: ['attempt.completed'] }),
    host.http().delete(base).set(key),
    host.http().patch(base).set(key).send({ isActive: false }),
    host.http().post(`${base}/test`).set(key),
    host.http().post(`${base}/rotate-secret`).set(key),
    host.http().post(`${base}/deliveries/dlv_x/redeliver`).set(key),
  ]);
  const list = await host.http().get(`${PREFIX}/webhooks`).set(key);
  const log = await host.http().get(`${base}/deliveries`).set(key);

  for (const response of refused) {
    assert.equal(response.status, 403);
    assert.match(response.body.error, /needs ReadWrite/);
  }
  assert.equal(list.status, 200);
  assert.equal(log.status, 200);
});

test('PATCH changes events, description and isActive', async (c) => {
  const created = await registerDemo(c.host);
  const response = await c.host.http()
    .patch(`${PREFIX}/webhooks/${created.body.webhookId}`)
    .set(withKey(c.host.keys.demo.ReadWrite))
    .send({
      events: ['webhook.test', 'attempt.completed'],
      description: null,
      isActive: false,
    });

  assert.equal(response.status, 200);
  assert.deepEqual(response.body.events, ['attempt.completed', 'webhook.test']);
  assert.equal(response.body.description, null);
  assert.equal(response.body.isActive, false);
  assert.equal(response.body.disabledReason, null);
});

test('PATCH with nothing to change is a 400', async (c) => {
  const created = await registerDemo(c.host);
  const response = await c.host.http()
    .patch(`${PREFIX}/webhooks/${created.body.webhookId}`)
    .set(withKey(c.host.keys.demo.ReadWrite))
    .send({});

  assert.equal(response.status, 400);
  assert.equal(response.body.error,
    'Send at least one of isActive, events, description.');
});

test('PATCH into an existing event set is a 409', async (c) => {
  await registerDemo(c.host, { events: ['attempt.completed'] });

  const second = await registerDemo(c.host);
  const response = await c.host.http()
    .patch(`${PREFIX}/webhooks/${second.body.webhookId}`)
    .set(withKey(c.host.keys.demo.ReadWrite))
    .send({ events: ['attempt.completed'] });

  assert.equal(response.status, 409);
});

test('re-enabling clears the reason and the failing clock', async (c) => {
  const { host } = c;
  const created = await registerDemo(host);
  const id = created.body.webhookId;

  await host.storage.webhooks.updateSubscription(id, {
    isActive: false,
    disabledReason: 'failing',
    failingSince: new Date('2026-04-01T00:00:00Z'),
  });

  const listed = await host.http().get(`${PREFIX}/webhooks`)
    .set(withKey(host.keys.demo.ReadOnly));
  const response = await host.http().patch(`${PREFIX}/webhooks/${id}`)
    .set(withKey(host.keys.demo.ReadWrite)).send({ isActive: true });
  const stored = await host.storage.webhooks.getSubscription(id);

  assert.equal(listed.body[0].disabledReason, 'failing');
  assert.equal(response.body.isActive, true);
  assert.equal(response.body.disabledReason, null);
  assert.equal(stored?.failingSince, null);
});

test('rotate-secret returns a new secret and keeps the old 24 h', async (c) => {
  const { host } = c;
  const created = await registerDemo(host);
  const id = created.body.webhookId;

  host.clock.advance(1000);

  const rotated = await host.http()
    .post(`${PREFIX}/webhooks/${id}/rotate-secret`)
    .set(withKey(host.keys.demo.ReadWrite));
  const stored = await host.storage.webhooks.getSubscription(id);
  const dayLater = host.clock.now().getTime() + 24 * 3600 * 1000;

  assert.equal(rotated.status, 200);
  assert.match(rotated.body.secret, /^whsec_/);
  assert.notEqual(rotated.body.secret, created.body.secret);
  assert.equal(rotated.body.webhookId, id);
  assert.deepEqual(stored?.secrets, [
    { secret: rotated.body.secret, expiresAt: null },
    { secret: created.body.secret, expiresAt: new Date(dayLater) },
  ]);
});

test('a rotation prunes secrets that have expired', async (c) => {
  const { host } = c;
  const created = await registerDemo(host);
  const path = `${PREFIX}/webhooks/${created.body.webhookId}/rotate-secret`;
  const key = withKey(host.keys.demo.ReadWrite);
  const second = await host.http().post(path).set(key);

  host.clock.advance(24 * 3600 * 1000 + 1);

  const third = await host.http().post(path).set(key);
  const stored = await host.storage.webhooks.getSubscription(
    created.body.webhookId);

  assert.deepEqual(stored?.secrets.map((s) => s.secret),
    [third.body.secret, second.body.secret]);
});

test('the directory lists the webhook routes and permissions', async (c) => {
  const response = await c.host.http().get(PREFIX)
    .set(withKey(c.host.keys.demo.ReadOnly));
  const endpoints = (response.body.endpoints as Record<string, string>[])
    .filter((e) => e.path.startsWith(`${PREFIX}/webhooks`))
    .map((e) => `${e.method} ${e.path.slice(PREFIX.length)} ` +
      `${e.permission} ${e.description}`);

  assert.deepEqual(endpoints.sort(), [
    'DELETE /webhooks/{id} ReadWrite Remove',
    'GET /webhooks ReadOnly List hooks',
    'GET /webhooks/{id}/deliveries ReadOnly Delivery log',
    'PATCH /webhooks/{id} ReadWrite Update',
    'POST /webhooks ReadWrite Register',
    'POST /webhooks/{id}/deliveries/{deliveryId}/redeliver ReadWrite ' +
      'Redeliver',
    'POST /webhooks/{id}/rotate-secret ReadWrite Rotate secret',
    'POST /webhooks/{id}/test ReadWrite Test ping',
  ]);
});

test.run();
