/**
 * Child process of `npm run bench`: seeds one adapter and serves the API
 * on a loopback port, or (BENCH_ADAPTER=bare) serves only a bare Koa +
 * @koa/router route with the same categories JSON.
 *
 * Environment: BENCH_ADAPTER (bare | memory | postgres), DATABASE_URL and
 * BENCH_SCHEMA for postgres.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import Router from '@koa/router';
import Koa from 'koa';

import { createMemoryStorage } from '../adapters/memory/index.js';
import { createLmsApi, type LmsApi, type LmsStorage } from '../src/index.js';
import { serveAsChild } from './child.js';
import { openBenchStorage } from './storage.js';
import {
  PROFILED_USERS,
  seedCatalog,
  seedCategories,
  type Profile,
} from './seed.js';

export type AdapterName = 'bare' | 'memory' | 'postgres';

const PREFIX = '/api/lms/v1';
const SUBSCRIPTIONS = 5;

/** What the parent needs to build the load cases. */
export interface ServerFixtures {
  /** e.g. http://127.0.0.1:40123/api/lms/v1 */
  apiUrl: string;
  /** A ReadOnly key of each profiled user; empty for the bare route. */
  keys: Partial<Record<Profile, string>>;
  fromUtc: string;
  /** Whether GET /webhooks exists in this build. */
  hasWebhooks: boolean;
  attempts: number;
  seedSeconds: number;
}

/**
 * Counts requests in the app's middleware, which keeps running after a
 * client hangs up: a case's leftovers must finish before the next starts.
 */
function inFlightTracker() {
  let count = 0;
  let waiters: (() => void)[] = [];

  const middleware: Koa.Middleware = async function countInFlight(_ctx, next) {
    count++;
    try {
      await next();
    } finally {
      count--;
      if (count === 0) waiters.splice(0).forEach((wake) => wake());
    }
  };
  const drain = () => new Promise<void>((resolve) => {
    if (count === 0) resolve();
    else waiters.push(resolve);
  });

  return { middleware, drain };
}

function listen(callback: Parameters<typeof createServer>[1]) {
  return new Promise<Server>((resolve) => {
    const server = createServer(callback);

    // Keep-alive longer than autocannon's pauses between cases.
    server.keepAliveTimeout = 60_000;
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

function urlOf(server: Server): string {
  const { port } = server.address() as AddressInfo;

  return `http://127.0.0.1:${port}${PREFIX}`;
}

async function closeServer(server: Server): Promise<void> {
  const closed = new Promise((resolve) => server.close(resolve));

  server.closeAllConnections();
  await closed;
}

function createApi(storage: LmsStorage): LmsApi {
  return createLmsApi({
    storage,
    masterKey: randomBytes(24).toString('base64url'),
    publicUrl: 'http://127.0.0.1',
    // Reads only: nothing to deliver, and the hook URLs below are loopback.
    webhooks: { dispatch: false, allowHttp: true, allowPrivateNetworks: true },
  });
}

async function issueKeys(lms: LmsApi) {
  const keys: Partial<Record<Profile, string>> = {};

  for (const [profile, { userId }] of Object.entries(PROFILED_USERS)) {
    const { key } = await lms.keys.create({ userId, permission: 'ReadOnly',
      name: 'bench' });

    keys[profile as Profile] = key;
  }

  return keys;
}

/** A few subscriptions of the heavy user, made through the API. */
async function subscribe(lms: LmsApi, apiUrl: string): Promise<void> {
  const { key } = await lms.keys.create({
    userId: PROFILED_USERS.heavy.userId, permission: 'ReadWrite' });

  for (let i = 1; i <= SUBSCRIPTIONS; i++) {
    const response = await fetch(`${apiUrl}/webhooks`, {
      method: 'POST',
      headers: { 'X-CertBoost-Key': key, 'Content-Type': 'application/json' },
      body: JSON.stringify({ url: `http://127.0.0.1:9/bench-hook-${i}`,
        events: ['assignment.created'] }),
    });

    if (response.status !== 201) {
      throw new Error(`POST /webhooks answered ${response.status}`);
    }
  }
}

async function startApi(adapter: AdapterName) {
  const started = performance.now();
  const storage = await openBenchStorage(adapter);
  const lms = createApi(storage);
  const { attempts, fromUtc } = await seedCatalog(lms);
  const keys = await issueKeys(lms);
  const seedSeconds = (performance.now() - started) / 1000;
  const tracker = inFlightTracker();
  const app = new Koa().use(tracker.middleware).use(lms.middleware());
  const server = await listen(app.callback());
  const apiUrl = urlOf(server);
  const hasWebhooks = lms.routes.some((route) =>
    route.method === 'GET' && route.path === '/webhooks');

  if (hasWebhooks) await subscribe(lms, apiUrl);

  const payload: ServerFixtures = {
    apiUrl, keys, fromUtc, hasWebhooks, attempts, seedSeconds };
  const cleanup = async () => {
    await closeServer(server);
    await lms.close();
    await storage.close();
  };

  return { payload, cleanup, drain: tracker.drain };
}

/** The baseline: the same categories JSON, without the plugin. */
async function startBare() {
  const storage = createMemoryStorage();
  const lms = createApi(storage);

  await seedCategories(lms);
  await lms.close();

  // Exactly the list GET /categories answers with, serialised per request
  // by Koa just as the plugin's is.
  const categories = await storage.catalog.listCategories({
    includeInactive: false });
  const router = new Router();

  router.get(`${PREFIX}/categories`, (ctx) => {
    ctx.body = categories;
  });

  const tracker = inFlightTracker();
  const app = new Koa().use(tracker.middleware).use(router.routes())
    .use(router.allowedMethods());
  const server = await listen(app.callback());
  const payload: ServerFixtures = { apiUrl: urlOf(server), keys: {},
    fromUtc: '', hasWebhooks: false, attempts: 0, seedSeconds: 0 };

  return { payload, cleanup: () => closeServer(server),
    drain: tracker.drain };
}

await serveAsChild(() => {
  const adapter = process.env.BENCH_ADAPTER as AdapterName;

  return adapter === 'bare' ? startBare() : startApi(adapter);
});
