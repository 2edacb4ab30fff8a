/**
 * The sender against real HTTP receivers on 127.0.0.1. Host names are
 * answered by injected resolvers; nothing leaves the loopback interface.
 */
import assert from 'node:assert/strict';
import type { LookupAddress } from 'node:dns';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { suite } from 'uvu';

import {
  closeSenderAgents,
  parseRetryAfter,
  sendWebhook,
  type SendRequest,
  type SendResult,
} from '../../src/services/delivery/http-sender.js';
import type {
  LookupFn,
  NetworkPolicy,
} from '../../src/services/delivery/ssrf.js';

const LOOPBACK: NetworkPolicy = { allowPrivateNetworks: true, allowHttp: true };
const GUARDED: NetworkPolicy = { allowPrivateNetworks: false, allowHttp: true };
const FORBIDDEN = 'Webhook URL resolves to a private or reserved address.';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

interface Receiver {
  port: number;
  url: string;
  seen: Seen[];
  connections: number;
}

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

const servers: http.Server[] = [];

/** Starts a receiver on 127.0.0.1 that records each request in full. */
async function receiver(handler: Handler): Promise<Receiver> {
  const server = http.createServer();
  const state = { port: 0, url: '', seen: [] as Seen[], connections: 0 };

  server.on('connection', () => state.connections++);
  server.on('request', (req, res) => {
    record(req, state.seen, () => handler(req, res));
  });
  servers.push(server);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  state.port = (server.address() as AddressInfo).port;
  state.url = `http://127.0.0.1:${state.port}`;

  return state;
}

function record(
  req: http.IncomingMessage,
  seen: Seen[],
  next: () => void,
): void {
  let body = '';

  req.setEncoding('utf8');
  req.on('data', (chunk: string) => (body += chunk));
  req.on('end', () => {
    seen.push({
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      body,
    });
    next();
  });
}

function reply(
  status: number,
  body = '',
  headers: http.OutgoingHttpHeaders = {},
): Handler {
  return (_req, res) => {
    res.writeHead(status, headers);
    res.end(body);
  };
}

async function closeServers(): Promise<void> {
  closeSenderAgents();

  const closing = servers.splice(0).map((server) => {
    server.closeAllConnections();

    return new Promise((done) => server.close(done));
  });

  await Promise.all(closing);
}

function post(
  url: string,
  overrides: Partial<SendRequest> = {},
): Promise<SendResult> {
  return sendWebhook({
    url,
    headers: { 'content-type': 'application/json' },
    body: '{"type":"attempt.completed"}',
    timeoutMs: 2000,
    maxResponseBytes: 1024,
    policy: LOOPBACK,
    ...overrides,
  });
}

interface FakeLookup extends LookupFn {
  hosts: string[];
}

/** Answers every name with 127.0.0.1 and records which names were asked. */
function toLoopback(): FakeLookup {
  const hosts: string[] = [];
  const lookup = async (host: string): Promise<LookupAddress[]> => {
    hosts.push(host);

    return [{ address: '127.0.0.1', family: 4 }];
  };

  return Object.assign(lookup, { hosts });
}

async function closedPort(): Promise<number> {
  const server = http.createServer();

  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));

  const { port } = server.address() as AddressInfo;

  await new Promise((done) => server.close(done));

  return port;
}

const send = suite('sendWebhook');

send.after.each(closeServers);

send('posts the body and reports a 2xx as ok', async () => {
  const target = await receiver(reply(200, 'thanks'));

  const result = await post(`${target.url}/hooks/lms?tenant=7`);

  assert.equal(result.ok, true);
  assert.equal(result.statusCode, 200);
  assert.equal(result.responseBody, 'thanks');
  assert.equal(result.error, null);
  assert.equal(result.retryAfterSeconds, null);
  assert.ok(result.durationMs >= 0);
  assert.equal(target.seen.length, 1);
  assert.equal(target.seen[0].method, 'POST');
  assert.equal(target.seen[0].url, '/hooks/lms?tenant=7');
  assert.equal(target.seen[0].body, '{"type":"attempt.completed"}');
  assert.equal(target.seen[0].headers['content-type'], 'application/json');
});

send('sets Content-Length from the body, replacing a wrong one', async () => {
  const target = await receiver(reply(204));
  const body = '{"name":"Zoë"}';

  await post(target.url, { body, headers: { 'Content-Length': '3' } });

  const length = String(Buffer.byteLength(body));

  assert.equal(target.seen[0].headers['content-length'], length);
  assert.equal(target.seen[0].body, body);
});

send('reports a 500 with its body as a failed answer', async () => {
  const target = await receiver(reply(500, 'boom'));

  const result = await post(target.url);

  assert.equal(result.ok, false);
  assert.equal(result.statusCode, 500);
  assert.equal(result.responseBody, 'boom');
  assert.equal(result.error, null);
});

send('reports 410 Gone as a failed answer', async () => {
  const target = await receiver(reply(410));

  const result = await post(target.url);

  assert.equal(result.ok, false);
  assert.equal(result.statusCode, 410);
  assert.equal(result.responseBody, '');
});

send('does not follow a redirect', async () => {
  const elsewhere = await receiver(reply(200));
  const location = `${elsewhere.url}/stolen`;
  const target = await receiver(reply(302, '', { location }));

  const result = await post(target.url);

  assert.equal(result.ok, false);
  assert.equal(result.statusCode, 302);
  assert.equal(target.seen.length, 1);
  assert.equal(elsewhere.seen.length, 0);
});

send('gives up on a receiver that never answers', async () => {
  const target = await receiver(() => undefined);

  const result = await post(target.url, { timeoutMs: 200 });

  assert.equal(result.ok, false);
  assert.equal(result.statusCode, null);
  assert.equal(result.responseBody, null);
  assert.equal(result.error, 'Timed out after 200 ms.');
});

send('gives up on a response body that never ends', async () => {
  const target = await receiver((_req, res) => {
    res.writeHead(200);
    res.write('partial');
  });

  const result = await post(target.url, { timeoutMs: 200 });

  assert.equal(result.statusCode, null);
  assert.equal(result.error, 'Timed out after 200 ms.');
});

send('keeps only maxResponseBytes of the response body', async () => {
  const target = await receiver(reply(200, 'a'.repeat(100_000)));

  const result = await post(target.url, { maxResponseBytes: 100 });

  assert.equal(result.ok, true);
  assert.equal(result.responseBody, 'a'.repeat(100));
});

send('stops reading once the body outgrows the limit', async () => {
  const target = await receiver((_req, res) => {
    res.writeHead(200);
    res.write('a'.repeat(1000));
  });

  const result = await post(target.url, { maxResponseBytes: 100 });

  assert.equal(result.error, null);
  assert.equal(result.responseBody, 'a'.repeat(100));
});

send('cuts the body without leaving half a character', async () => {
  const target = await receiver(reply(400, 'é'.repeat(100)));

  const result = await post(target.url, { maxResponseBytes: 51 });

  assert.equal(result.responseBody, 'é'.repeat(25));
});

send('reads Retry-After given in seconds', async () => {
  const target = await receiver(reply(429, '', { 'retry-after': '120' }));

  const result = await post(target.url);

  assert.equal(result.statusCode, 429);
  assert.equal(result.retryAfterSeconds, 120);
});

send('reads Retry-After given as an HTTP date', async () => {
  const target = await receiver((_req, res) => {
    const later = new Date(Date.now() + 90_000).toUTCString();

    res.writeHead(503, { 'retry-after': later });
    res.end();
  });

  const result = await post(target.url);

  assert.equal(result.statusCode, 503);
  assert.ok(result.retryAfterSeconds !== null);
  assert.ok(result.retryAfterSeconds >= 80 && result.retryAfterSeconds <= 90);
});

send('reports a refused connection without throwing', async () => {
  const port = await closedPort();

  const result = await post(`http://127.0.0.1:${port}/`);

  assert.equal(result.ok, false);
  assert.equal(result.statusCode, null);
  assert.equal(result.error, 'Connection refused.');
});

send('reports a TLS failure without throwing', async () => {
  const target = await receiver(reply(200));

  const result = await post(`https://127.0.0.1:${target.port}/`);

  assert.equal(result.statusCode, null);
  assert.match(result.error ?? '', /^TLS error \(/);
  assert.equal(target.seen.length, 0);
});

send('connects to the checked address and keeps the host name', async () => {
  const target = await receiver(reply(202));
  const lookup = toLoopback();

  const host = `hooks.example.test:${target.port}`;

  const result = await post(`http://${host}/in`, { lookup });

  assert.equal(result.statusCode, 202);
  assert.deepEqual(lookup.hosts, ['hooks.example.test']);
  assert.equal(target.seen[0].headers.host, host);
});

send('refuses a name that resolves to loopback when guarded', async () => {
  const target = await receiver(reply(200));
  const lookup = toLoopback();

  const result = await post(`http://hooks.example.test:${target.port}/`, {
    lookup,
    policy: GUARDED,
  });

  assert.equal(result.ok, false);
  assert.equal(result.statusCode, null);
  assert.equal(result.error, FORBIDDEN);
  assert.equal(target.connections, 0);
});

send('refuses a literal loopback address when guarded', async () => {
  const target = await receiver(reply(200));

  const result = await post(target.url, { policy: GUARDED });

  assert.equal(result.error, FORBIDDEN);
  assert.equal(target.connections, 0);
});

send('refuses plain http when the policy requires https', async () => {
  const target = await receiver(reply(200));

  const result = await post(target.url, {
    policy: { allowPrivateNetworks: true, allowHttp: false },
  });

  assert.equal(result.error, 'Webhook URL must use https.');
  assert.equal(target.connections, 0);
});

send('reports a failed lookup as a result', async () => {
  const lookup: LookupFn = async () => {
    const error = new Error('getaddrinfo ENOTFOUND');

    throw Object.assign(error, { code: 'ENOTFOUND' });
  };

  const result = await post('http://nowhere.example.test/', { lookup });

  assert.equal(result.statusCode, null);
  assert.equal(result.error, 'Webhook URL host could not be resolved.');
});

send('stops when the caller aborts', async () => {
  const controller = new AbortController();
  const target = await receiver(() => controller.abort());

  const result = await post(target.url, { signal: controller.signal });

  assert.equal(result.statusCode, null);
  assert.equal(result.error, 'Delivery aborted.');
});

send('does not connect when the signal is already aborted', async () => {
  const target = await receiver(reply(200));

  const result = await post(target.url, { signal: AbortSignal.abort() });

  assert.equal(result.error, 'Delivery aborted.');
  assert.equal(target.connections, 0);
});

send('reuses one connection for deliveries to the same receiver', async () => {
  const target = await receiver(reply(200, 'ok'));

  for (let i = 0; i < 3; i++) {
    const result = await post(target.url);

    assert.equal(result.ok, true);
  }

  assert.equal(target.seen.length, 3);
  assert.equal(target.connections, 1);
});

send('resends at once when a reused keep-alive socket was closed', async () => {
  const requestsOnSocket = new WeakMap<object, number>();
  const target = await receiver((req, res) => {
    const count = (requestsOnSocket.get(req.socket) ?? 0) + 1;

    requestsOnSocket.set(req.socket, count);
    // The receiver drops idle connections: a reused one dies unanswered.
    if (count > 1) return req.socket.destroy();

    res.writeHead(200).end('ok');
  });
  const first = await post(target.url);
  const second = await post(target.url);

  assert.equal(first.ok, true);
  assert.equal(second.ok, true, String(second.error));
  assert.equal(target.seen.length, 3);
  assert.equal(target.connections, 2);
});

send('does not resend when a fresh connection is reset', async () => {
  const target = await receiver((req) => req.socket.destroy());
  const result = await post(target.url);

  assert.equal(result.ok, false);
  assert.equal(result.statusCode, null);
  assert.equal(target.seen.length, 1);
});

send('throws a TypeError for limits that make no sense', async () => {
  const url = 'http://127.0.0.1:1/';

  await assert.rejects(post(url, { timeoutMs: 0 }), TypeError);
  await assert.rejects(post(url, { timeoutMs: Infinity }), TypeError);
  await assert.rejects(post(url, { maxResponseBytes: -1 }), TypeError);
  await assert.rejects(post(url, { maxResponseBytes: 1.5 }), TypeError);
});

send.run();

const retryAfter = suite('parseRetryAfter');
const NOW = Date.parse('2026-03-01T12:00:00.000Z');

retryAfter('reads delta-seconds', () => {
  assert.equal(parseRetryAfter('0', NOW), 0);
  assert.equal(parseRetryAfter(' 3600 ', NOW), 3600);
});

retryAfter('reads an HTTP date relative to now', () => {
  assert.equal(parseRetryAfter('Sun, 01 Mar 2026 12:02:00 GMT', NOW), 120);
  assert.equal(parseRetryAfter('Sunday, 01-Mar-26 12:00:30 GMT', NOW), 30);
});

retryAfter('treats a date in the past as zero', () => {
  assert.equal(parseRetryAfter('Sun, 01 Mar 2026 11:00:00 GMT', NOW), 0);
});

retryAfter('returns null for a missing or unreadable value', () => {
  const values = [
    undefined,
    '',
    '-5',
    '1.5',
    'soon',
    '2026-03-01',
    '99999999999999999999',
  ];

  for (const value of values) {
    assert.equal(parseRetryAfter(value, NOW), null, value);
  }
});

retryAfter.run();
