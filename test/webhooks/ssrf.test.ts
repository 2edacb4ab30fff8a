/**
 * The SSRF guard as the webhook API and the dispatcher apply it: at
 * registration and again at every delivery, after DNS. Names are answered
 * by injected resolvers; the only receiver listens on 127.0.0.1.
 */
import assert from 'node:assert/strict';
import type { LookupAddress } from 'node:dns';

import { suite } from 'uvu';

import {
  DEMO_USER_ID,
  PREFIX,
  makeHost,
  withKey,
  type Host,
} from '../support/http.js';
import { resolvesTo, startReceiver, type Receiver } from './helpers.js';

const FORBIDDEN = 'Webhook URL resolves to a private or reserved address.';
const PUBLIC_ADDRESS = '93.184.215.14';

interface Context {
  host: Host;
  receiver: Receiver;
}

function register(host: Host, url: string) {
  return host.http().post(`${PREFIX}/webhooks`)
    .set(withKey(host.keys.demo.ReadWrite))
    .send({ url, events: ['assignment.created'] });
}

const guarded = suite<Context>('SSRF guard on (default policy)');

guarded.before.each(async (c) => {
  c.receiver = await startReceiver();
});
guarded.after.each(async (c) => {
  await c.host.lms.close();
  await c.receiver.close();
});

guarded('refuses http and loopback URLs at registration', async (c) => {
  c.host = await makeHost({ webhooks: { dispatch: false } });

  const plain = await register(c.host, `${c.receiver.origin}/hook`);
  const loopback = await register(c.host,
    `https://127.0.0.1:${c.receiver.port}/hook`);
  const local = await register(c.host, 'https://localhost/hook');
  const mapped = await register(c.host, 'https://[::ffff:127.0.0.1]/hook');

  assert.equal(plain.status, 400);
  assert.equal(plain.body.error, 'Webhook URL must use https.');
  assert.equal(loopback.status, 400);
  assert.equal(loopback.body.error, FORBIDDEN);
  assert.equal(local.status, 400);
  assert.equal(mapped.status, 400);
  assert.deepEqual(await c.host.storage.webhooks.listSubscriptions(), []);
});

guarded('refuses private addresses even when http is allowed', async (c) => {
  c.host = await makeHost({ webhooks: { dispatch: false, allowHttp: true } });

  for (const host of ['127.0.0.1', '10.0.0.8', '169.254.169.254', '[::1]']) {
    const response = await register(c.host, `http://${host}/hook`);

    assert.equal(response.status, 400, host);
    assert.equal(response.body.error, FORBIDDEN, host);
  }
});

guarded('refuses a name that resolves to 127.0.0.1', async (c) => {
  c.host = await makeHost({
    webhooks: { dispatch: false, allowHttp: true,
      lookup: resolvesTo('127.0.0.1') },
  });

  const response = await register(c.host,
    `http://hooks.example.test:${c.receiver.port}/hook`);

  assert.equal(response.status, 400);
  assert.equal(response.body.error, FORBIDDEN);
});

guarded('checks again at delivery and never connects', async (c) => {
  let answer = PUBLIC_ADDRESS;
  const lookup = async (): Promise<LookupAddress[]> =>
    [{ address: answer, family: 4 }];

  c.host = await makeHost({
    webhooks: { dispatch: false, allowHttp: true, lookup },
  });

  // Registered while the name pointed somewhere public; then its DNS
  // answer changes to the receiver on loopback.
  const created = await register(c.host,
    `http://hooks.example.test:${c.receiver.port}/hook`);

  answer = '127.0.0.1';
  await c.host.http().post(`${PREFIX}/assignments`)
    .set(withKey(c.host.masterKey))
    .send({ userId: DEMO_USER_ID, categoryId: 42 });

  const counts = await c.host.lms.webhooks.runOnce();
  const [delivery] = await c.host.storage.webhooks.listDeliveries(
    created.body.webhookId, { limit: 1 });
  const ping = await c.host.http()
    .post(`${PREFIX}/webhooks/${created.body.webhookId}/test`)
    .set(withKey(c.host.keys.demo.ReadWrite));

  assert.equal(created.status, 201);
  assert.equal(counts.claimed, 1);
  assert.equal(delivery.attempts, 1);
  assert.equal(delivery.lastStatusCode, null);
  assert.equal(delivery.lastError, FORBIDDEN);
  assert.equal(ping.body.delivered, false);
  assert.equal(ping.body.error, FORBIDDEN);
  assert.equal(c.receiver.received.length, 0);
});

guarded.run();
