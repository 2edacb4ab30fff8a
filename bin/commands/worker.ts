/**
 * `worker`: webhook delivery as its own process, through the library's
 * createWebhookWorker over the environment's storage.
 */
import { createWebhookWorker } from '../../src/index.js';
import {
  expectPositionals,
  parseCommand,
  readNetworkPolicy,
  trace,
  type Io,
} from './context.js';
import { checkStorage, openStorage, readDatabaseTarget } from './database.js';
import { UsageError } from './errors.js';
import { waitForStopSignal } from './lifecycle.js';
import { createStderrLogger } from './logger.js';
import { WORKER_USAGE } from './usage.js';

function readConcurrency(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;

  const concurrency = Number(value);

  if (!Number.isSafeInteger(concurrency) || concurrency < 1) {
    throw new UsageError('--concurrency must be a positive integer.',
      WORKER_USAGE);
  }

  return concurrency;
}

/** `worker`: delivers until SIGTERM or SIGINT. */
export async function workerCommand(args: string[], io: Io): Promise<void> {
  const { values, positionals } = parseCommand(args, {
    concurrency: { type: 'string' },
  }, WORKER_USAGE);

  if (values.help) return io.out(WORKER_USAGE);

  expectPositionals(positionals, [], WORKER_USAGE);

  const concurrency = readConcurrency(values.concurrency);
  const network = readNetworkPolicy(io.env, WORKER_USAGE);
  const target = readDatabaseTarget(io, WORKER_USAGE);
  // One connection per attempt being recorded, plus one for claiming.
  const storage = await openStorage(target,
    { poolMax: Math.min((concurrency ?? 16) + 1, 20) }, WORKER_USAGE);

  try {
    await checkStorage(storage, target);

    const worker = createWebhookWorker({ storage, concurrency, network,
      logger: createStderrLogger(io) });

    worker.start();
    io.err(`Delivering webhooks from ${target.display}.`);

    const signal = await waitForStopSignal();

    io.err(`${signal}: finishing deliveries in flight.`);
    await worker.close();
  } finally {
    await storage.close().catch((error: unknown) =>
      trace('closing storage failed: %O', error));
  }

  io.err('Stopped.');
}
