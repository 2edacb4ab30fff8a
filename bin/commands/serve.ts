/**
 * `serve`: the API alone on a Koa app, over the environment's storage,
 * until a stop signal; then in-flight requests finish and pools close.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import Koa from 'koa';

import { createLmsApi, type LmsApi } from '../../src/index.js';
import {
  expectPositionals,
  parseCommand,
  readNetworkPolicy,
  trace,
  type Io,
} from './context.js';
import {
  checkStorage,
  openStorage,
  readDatabaseTarget,
  type PostgresStorage,
} from './database.js';
import { CommandError, rootCode, UsageError } from './errors.js';
import { waitForStopSignal } from './lifecycle.js';
import { createStderrLogger } from './logger.js';
import { SERVE_USAGE } from './usage.js';

/** How long in-flight requests may take once a stop was asked for. */
const GRACE_MS = 10_000;

interface ServeSettings {
  dispatch: boolean;
  network: { allowHttp: boolean; allowPrivateNetworks: boolean };
  port: number;
  host: string | undefined;
  /** Undefined: http://localhost and the port actually bound. */
  publicUrl: string | undefined;
  masterKey: string | undefined;
  /** Undefined: the library's default. */
  keyCacheTtlMs: number | undefined;
}

function readPort(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return 3000;

  const port = Number(value);

  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError('PORT must be an integer from 0 to 65535.',
      SERVE_USAGE);
  }

  return port;
}

function readPublicUrl(value: string | undefined): string | undefined {
  if (!value) return undefined;

  const valid = URL.canParse(value) &&
    ['http:', 'https:'].includes(new URL(value).protocol);

  if (!valid) {
    throw new UsageError('PUBLIC_URL must be an absolute http(s) URL.',
      SERVE_USAGE);
  }

  return value;
}

function readMasterKey(value: string | undefined): string | undefined {
  if (!value) return undefined;
  if (value.trim().length < 8) {
    throw new UsageError('LMS_API_MASTER_KEY must be at least 8 characters.',
      SERVE_USAGE);
  }

  return value;
}

function readKeyCacheTtl(value: string | undefined): number | undefined {
  if (!value) return undefined;
  if (!/^\d+$/.test(value)) {
    throw new UsageError(
      'LMS_KEY_CACHE_TTL_MS must be a whole number of milliseconds.',
      SERVE_USAGE);
  }

  return Number(value);
}

function readSettings(
  env: NodeJS.ProcessEnv,
  noDispatch: boolean | undefined,
): ServeSettings {
  const port = readPort(env.PORT);

  return {
    dispatch: !noDispatch,
    network: readNetworkPolicy(env, SERVE_USAGE),
    port,
    host: env.HOST?.trim() || undefined,
    publicUrl: readPublicUrl(env.PUBLIC_URL?.trim()),
    masterKey: readMasterKey(env.LMS_API_MASTER_KEY),
    keyCacheTtlMs: readKeyCacheTtl(env.LMS_KEY_CACHE_TTL_MS?.trim()),
  };
}

function createApi(
  storage: PostgresStorage,
  settings: ServeSettings,
  port: number,
  io: Io,
): LmsApi {
  return createLmsApi({
    storage,
    masterKey: settings.masterKey,
    keyCacheTtlMs: settings.keyCacheTtlMs,
    publicUrl: settings.publicUrl ?? `http://localhost:${port}`,
    logger: createStderrLogger(io),
    webhooks: { dispatch: settings.dispatch, ...settings.network },
  });
}

function createApp(lms: LmsApi, io: Io): Koa {
  const app = new Koa();
  const logger = createStderrLogger(io);

  app.silent = true;
  app.on('error', (err: unknown) => logger.error({ err }, 'request failed'));
  app.use(lms.middleware());

  return app;
}

/** Binds first, so PORT=0 can be resolved before the API is built. */
function listen(settings: ServeSettings): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();

    server.once('error', (error) => reject(listenError(error, settings)));
    server.listen({ port: settings.port, host: settings.host }, () =>
      resolve(server));
  });
}

function boundUrl(server: Server): string {
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;

  return `http://${host}:${port}`;
}

function boundPort(server: Server): number {
  return (server.address() as AddressInfo).port;
}

/** Stops accepting, lets requests finish, then cuts what is left. */
async function stopServer(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  const timer = setTimeout(() => server.closeAllConnections(), GRACE_MS);

  server.closeIdleConnections();
  await closed;
  clearTimeout(timer);
}

function listenError(error: unknown, settings: ServeSettings): unknown {
  const code = rootCode(error);

  if (code !== 'EADDRINUSE' && code !== 'EACCES' &&
    code !== 'EADDRNOTAVAIL') return error;

  const where = `${settings.host ?? '*'}:${settings.port}`;

  return new CommandError(`cannot listen on ${where} (${code})`);
}

/** `serve`: runs until SIGTERM or SIGINT. */
export async function serveCommand(args: string[], io: Io): Promise<void> {
  const { values, positionals } = parseCommand(args, {
    'no-dispatch': { type: 'boolean' },
  }, SERVE_USAGE);

  if (values.help) return io.out(SERVE_USAGE);

  expectPositionals(positionals, [], SERVE_USAGE);

  const target = readDatabaseTarget(io, SERVE_USAGE);
  const settings = readSettings(io.env, values['no-dispatch']);
  const storage = await openStorage(target, { poolMax: 10 }, SERVE_USAGE);
  let lms: LmsApi | undefined;
  let server: Server | undefined;

  try {
    await checkStorage(storage, target);
    server = await listen(settings);

    lms = createApi(storage, settings, boundPort(server), io);
    server.on('request', createApp(lms, io).callback());
    io.err(`Serving ${boundUrl(server)}${lms.prefix} from ` +
      `${target.display}` +
      (settings.masterKey ? '' : ' (no LMS_API_MASTER_KEY: user keys only)'));

    const signal = await waitForStopSignal();

    io.err(`${signal}: finishing requests in flight.`);
    await stopServer(server);
  } finally {
    if (server?.listening) server.close();
    await lms?.close();
    await storage.close().catch((error: unknown) =>
      trace('closing storage failed: %O', error));
  }

  io.err('Stopped.');
}
