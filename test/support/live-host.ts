/**
 * The example host app listening on a loopback port, for tests that need
 * a real socket: the browser, the typed client and the code samples.
 * Every JSON response it sends is checked against the OpenAPI document.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { createMemoryStorage } from '../../adapters/memory/index.js';
import { createHostApp } from '../../examples/host-app/app.js';
import {
  DEMO_USER_ID,
  OTHER_USER_ID,
  seedDemoData,
} from '../../examples/host-app/demo-data.js';
import type { LmsApiOptions, LmsStorage } from '../../src/index.js';
import { servedDocument, validateResponses } from './openapi-check.js';

export { DEMO_USER_ID, OTHER_USER_ID };

export const LIVE_MASTER_KEY = 'live-master-key-8c1d0b5a93e2';

export interface LiveHostOptions extends Partial<LmsApiOptions> {
  /** Check responses against the OpenAPI document. Default true. */
  checkResponses?: boolean;
}

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));

  const { port } = server.address() as AddressInfo;

  return `http://127.0.0.1:${port}`;
}

async function demoKeys(lms: ReturnType<typeof createHostApp>['lms']) {
  const key = (userId: string, permission: 'ReadOnly' | 'ReadWrite') =>
    lms.keys.create({ userId, permission, name: `${permission} live` })
      .then((created) => created.key);

  return {
    readOnly: await key(DEMO_USER_ID, 'ReadOnly'),
    readWrite: await key(DEMO_USER_ID, 'ReadWrite'),
    otherReadWrite: await key(OTHER_USER_ID, 'ReadWrite'),
  };
}

/**
 * Starts the example host app with demo data on 127.0.0.1 and an ephemeral
 * port. `publicUrl` is the server's own origin, so the docs page and the
 * links in responses point back at it.
 *
 * @example
 * const host = await startLiveHost();
 * await fetch(`${host.baseUrl}/categories`, { headers: ... });
 * await host.close();
 */
export async function startLiveHost(options: LiveHostOptions = {}) {
  const { checkResponses = true, ...overrides } = options;
  const server = http.createServer();
  const origin = await listen(server);
  const storage: LmsStorage = overrides.storage ?? createMemoryStorage();
  const { app, lms } = createHostApp({
    masterKey: LIVE_MASTER_KEY,
    publicUrl: origin,
    ...overrides,
    storage,
  });

  app.silent = true;
  if (checkResponses) {
    app.middleware.unshift(validateResponses(() => servedDocument(lms)));
  }
  await seedDemoData(lms);
  server.on('request', app.callback());

  return {
    origin,
    baseUrl: `${origin}${lms.prefix}`,
    lms,
    storage,
    masterKey: LIVE_MASTER_KEY,
    keys: await demoKeys(lms),
    async close(): Promise<void> {
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
      await lms.close();
      await storage.close();
    },
  };
}

export type LiveHost = Awaited<ReturnType<typeof startLiveHost>>;
