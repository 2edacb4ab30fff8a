/**
 * Shared setup for the HTTP suites: the example host app on the in-memory
 * adapter, a clock the tests move by hand, seeded demo data and a key of
 * every permission for two users.
 */
import supertest from 'supertest';

import { freshStorage } from './adapter.js';
import { createHostApp } from '../../examples/host-app/app.js';
import {
  DEMO_USER_ID,
  OTHER_USER_ID,
  seedDemoData,
} from '../../examples/host-app/demo-data.js';
import {
  PERMISSIONS,
  type LmsApi,
  type LmsApiOptions,
  type LmsStorage,
  type Permission,
  type Subscription,
} from '../../src/index.js';
import { servedDocument, validateResponses } from './openapi-check.js';

export { DEMO_USER_ID, OTHER_USER_ID };

export const MASTER_KEY = 'test-master-key-4f9c2a7e51d8';
export const PUBLIC_URL = 'https://lms.example.com';
export const PREFIX = '/api/lms/v1';

/** When every test clock starts; far from any real "now". */
export const T0 = new Date('2026-04-19T23:45:11.000Z');

export interface TestClock {
  now(): Date;
  advance(ms: number): void;
}

export function createClock(start: Date = T0): TestClock {
  let current = start.getTime();

  return {
    now: () => new Date(current),
    advance(ms) {
      current += ms;
    },
  };
}

/** Plaintext keys of one user, one per permission. */
export type UserKeys = Record<Permission, string>;

async function issueKeys(lms: LmsApi, userId: string): Promise<UserKeys> {
  const keys = {} as UserKeys;

  for (const permission of PERMISSIONS) {
    const { key } = await lms.keys.create({
      userId,
      permission,
      name: `${permission} key`,
    });

    keys[permission] = key;
  }

  return keys;
}

export interface HostOptions extends Partial<LmsApiOptions> {
  /** Skip the demo catalog, for suites that build their own data. */
  seed?: boolean;
}

/**
 * The example host app with the plugin mounted. Options override the
 * defaults (a fresh memory storage, MASTER_KEY, PUBLIC_URL, the test
 * clock, no background webhook delivery).
 */
export async function makeHost(options: HostOptions = {}) {
  const { seed = true, storage: given, ...overrides } = options;
  const clock = createClock();
  const storage: LmsStorage = given ?? (await freshStorage());
  const { app, lms } = createHostApp({
    storage,
    masterKey: MASTER_KEY,
    publicUrl: PUBLIC_URL,
    now: clock.now,
    // Tests read the outbox themselves; no background delivery.
    webhooks: { dispatch: false },
    ...overrides,
  });

  // The host's error page re-emits errors; keep them off the test output.
  app.silent = true;
  // Every JSON response under the prefix must match the OpenAPI document.
  app.middleware.unshift(validateResponses(() => servedDocument(lms)));
  if (seed) await seedDemoData(lms);

  const callback = app.callback();

  return {
    app,
    lms,
    storage,
    clock,
    masterKey: MASTER_KEY,
    keys: {
      demo: await issueKeys(lms, DEMO_USER_ID),
      other: await issueKeys(lms, OTHER_USER_ID),
    },
    /** A supertest agent on the host app. */
    http: () => supertest(callback),
  };
}

export type Host = Awaited<ReturnType<typeof makeHost>>;

/** Header that authenticates with `key` in the default location. */
export const withKey = (key: string) => ({ 'X-CertBoost-Key': key });

export const progressPath = (userId: string, query = '') =>
  `${PREFIX}/users/${encodeURIComponent(userId)}/progress${query}`;

/**
 * Wraps a storage so a test can make any of its methods reject, e.g.
 * `faults.fail('catalog.listCategories', new Error('disk on fire'))`.
 * Methods without a fault pass straight through.
 */
export function withFaults<S extends LmsStorage>(storage: S) {
  const faults = new Map<string, unknown>();

  function wrap<T extends object>(store: string, target: T): T {
    return new Proxy(target, {
      get(object, property, receiver) {
        const value = Reflect.get(object, property, receiver);

        if (typeof value !== 'function') return value;

        return (...args: unknown[]) => {
          const name = `${store}.${String(property)}`;

          if (faults.has(name)) return Promise.reject(faults.get(name));

          return value.apply(object, args);
        };
      },
    });
  }

  return {
    storage: {
      ...storage,
      catalog: wrap('catalog', storage.catalog),
      keys: wrap('keys', storage.keys),
      assignments: wrap('assignments', storage.assignments),
      webhooks: wrap('webhooks', storage.webhooks),
    } as S,
    fail(method: string, error: unknown) {
      faults.set(method, error);
    },
  };
}

/**
 * Subscribes to every event of every user straight through the port, so
 * the outbox can be read with claimDueDeliveries.
 */
export async function subscribeToEverything(
  storage: LmsStorage,
  createdAt: Date,
): Promise<Subscription> {
  const subscription: Subscription = {
    webhookId: 'wh_test_all',
    ownerUserId: null,
    url: 'https://hooks.example.com/lms',
    events: ['assignment.created', 'attempt.completed', 'webhook.test'],
    description: 'test outbox reader',
    isActive: true,
    createdAt,
    secrets: [{ secret: 'whsec_dGVzdC1zZWNyZXQtMzItYnl0ZXMtbG9uZyEhISE=',
      expiresAt: null }],
    failingSince: null,
    disabledReason: null,
  };

  await storage.webhooks.createSubscription(subscription);

  return subscription;
}

/** Claims whatever the outbox holds that is due at `now`. */
export function claimOutbox(storage: LmsStorage, now: Date) {
  return storage.webhooks.claimDueDeliveries({
    now,
    limit: 100,
    leaseUntil: new Date(now.getTime() + 60_000),
  });
}
