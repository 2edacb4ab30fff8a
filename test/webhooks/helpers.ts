/**
 * Shared fixtures for the webhook suites: receivers on 127.0.0.1 that
 * record every request, and small clocks and wait helpers. Nothing here
 * sends traffic anywhere but the loopback interface.
 */
import { createHmac } from 'node:crypto';
import type { LookupAddress } from 'node:dns';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the receiver saw it. */
export interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** What the receiver answers. */
export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export type Responder = (request: Received) => Reply | Promise<Reply>;

export interface Receiver {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  origin: string;
  port: number;
  received: Received[];
  /** Requests being answered right now, per path and in total. */
  active: Map<string, number>;
  /** The most requests ever in flight at once, per path and in total. */
  maxActive: Map<string, number>;
  respond: Responder;
  /** Resolves with the next request to arrive. */
  nextRequest(): Promise<Received>;
  close(): Promise<void>;
}

const ALL = '*';

/**
 * Starts a receiver on 127.0.0.1. It answers 200 unless `respond` is
 * replaced; the responder may hold a request by returning a promise.
 */
export async function startReceiver(
  respond: Responder = () => ({ status: 200 }),
): Promise<Receiver> {
  const server = http.createServer();
  const waiters: ((r: Received) => void)[] = [];
  const state: Receiver = {
    origin: '',
    port: 0,
    received: [],
    active: new Map(),
    maxActive: new Map(),
    respond,
    nextRequest: () => new Promise((resolve) => waiters.push(resolve)),
    close: () => closeServer(server),
  };

  server.on('request', (req, res) => {
    void handle(state, req, res, waiters);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  state.port = (server.address() as AddressInfo).port;
  state.origin = `http://127.0.0.1:${state.port}`;

  return state;
}

async function handle(
  state: Receiver,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  waiters: ((r: Received) => void)[],
): Promise<void> {
  const request = await readRequest(req);

  state.received.push(request);
  count(state, request.path, 1);
  for (const waiter of waiters.splice(0)) waiter(request);

  try {
    const reply = await state.respond(request);

    res.writeHead(reply.status, reply.headers);
    res.end(reply.body ?? '');
  } catch {
    res.destroy();
  } finally {
    count(state, request.path, -1);
  }
}

function count(state: Receiver, path: string, delta: number): void {
  for (const key of [path, ALL]) {
    const now = (state.active.get(key) ?? 0) + delta;

    state.active.set(key, now);
    state.maxActive.set(key, Math.max(state.maxActive.get(key) ?? 0, now));
  }
}

function readRequest(req: http.IncomingMessage): Promise<Received> {
  return new Promise((resolve, reject) => {
    let body = '';

    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => resolve({
      path: req.url ?? '',
      headers: req.headers,
      body,
    }));
    req.on('error', reject);
  });
}

function closeServer(server: http.Server): Promise<void> {
  server.closeAllConnections();

  return new Promise((resolve) => server.close(() => resolve()));
}

/** The most requests that were ever in flight at once; `path` or all. */
export function peak(receiver: Receiver, path = ALL): number {
  return receiver.maxActive.get(path) ?? 0;
}

/**
 * A responder that holds requests of one path until `size` of them are
 * waiting, lets the event loop turn so any request beyond the limit can
 * arrive too, then answers them all with 200. A watchdog releases them
 * after a few seconds so a broken limit fails an assertion, not a hang.
 */
export function releaseInGroups(size: number): Responder {
  const groups = new Map<string, (() => void)[]>();

  async function releaseGroup(group: (() => void)[]): Promise<void> {
    await settle(50);
    for (const waiting of group.splice(0)) waiting();
  }

  return (request) => new Promise<Reply>((resolve) => {
    const group = groups.get(request.path) ?? [];
    const release = () => resolve({ status: 200 });

    groups.set(request.path, group);
    group.push(release);

    if (group.length === size) void releaseGroup(group);
    else setTimeout(release, 3000).unref();
  });
}

/** A request the test answers by hand. */
export interface Held {
  arrived: Promise<Received>;
  release(reply?: Reply): void;
}

/** A responder that holds the next request until `release` is called. */
export function holdNext(receiver: Receiver): Held {
  let release: (reply: Reply) => void = () => {};
  let arrived: (request: Received) => void = () => {};
  const previous = receiver.respond;
  const promise = new Promise<Received>((resolve) => (arrived = resolve));

  receiver.respond = (request) => {
    receiver.respond = previous;
    arrived(request);

    return new Promise<Reply>((resolve) => (release = resolve));
  };

  return {
    arrived: promise,
    release: (reply = { status: 200 }) => release(reply),
  };
}

/** A clock the test moves by hand. */
export interface ManualClock {
  now(): Date;
  set(date: Date): void;
  advance(ms: number): void;
}

export function manualClock(start: Date): ManualClock {
  let current = start.getTime();

  return {
    now: () => new Date(current),
    set: (date) => (current = date.getTime()),
    advance: (ms) => (current += ms),
  };
}

/** Lets pending I/O callbacks and promise jobs run, a few turns over. */
export async function settle(turns = 20): Promise<void> {
  for (let i = 0; i < turns; i++) {
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** A resolver that answers every name with `address`. */
export function resolvesTo(address: string) {
  return async (): Promise<LookupAddress[]> => [
    { address, family: address.includes(':') ? 6 : 4 },
  ];
}

/**
 * The oracle: HMAC-SHA256 over `id.timestamp.body` as the Standard
 * Webhooks spec defines it, computed here and not by the code under test.
 */
export function oracleSignature(
  secret: string,
  headers: http.IncomingHttpHeaders,
  body: string,
): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const content = `${headers['webhook-id']}.${headers['webhook-timestamp']}.` +
    body;

  return `v1,${createHmac('sha256', key).update(content).digest('base64')}`;
}

/** The `webhook-signature` entries of a request. */
export function signaturesOf(request: Received): string[] {
  return String(request.headers['webhook-signature'] ?? '').split(' ');
}

export { within } from '../support/watchdog.js';
