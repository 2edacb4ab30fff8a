/**
 * `npx tsx bench/verify.ts`: verifyWebhook against the standardwebhooks
 * library's verify, same ~1 KB delivery, same run.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';

import { Webhook } from 'standardwebhooks';

import { verifyWebhook } from '../verify/index.js';

/** Operations per second for each verifier. */
export interface VerifyBenchResult {
  ours: number;
  library: number;
}

const WARM_UP_MS = 300;
const WINDOW_MS = 2000;
// Short alternating slices, so a burst of load elsewhere on the machine
// hits both sides alike instead of whichever happened to run then.
const SLICES = 10;
// Reading the clock every call would weigh on a few-microsecond operation.
const BATCH = 64;

interface Tally {
  count: number;
  ms: number;
}

/**
 * Measures both verifiers for about two seconds each, in alternating
 * slices after a warm-up, and returns operations per second.
 *
 * @example
 * ```ts
 * const { ours, library } = await benchVerify();
 * console.log(`${(ours / library).toFixed(1)}x`);
 * ```
 */
export async function benchVerify(): Promise<VerifyBenchResult> {
  const delivery = makeDelivery();
  const library = new Webhook(delivery.secret);
  const runOurs = () =>
    verifyWebhook(delivery.body, delivery.headers, delivery.secret);
  const runLibrary = () => library.verify(delivery.body, delivery.headers);
  const ours: Tally = { count: 0, ms: 0 };
  const theirs: Tally = { count: 0, ms: 0 };

  await measure(runOurs, WARM_UP_MS, { count: 0, ms: 0 });
  await measure(runLibrary, WARM_UP_MS, { count: 0, ms: 0 });

  for (let slice = 0; slice < SLICES; slice++) {
    await measure(runOurs, WINDOW_MS / SLICES, ours);
    await measure(runLibrary, WINDOW_MS / SLICES, theirs);
  }

  return { ours: perSecond(ours), library: perSecond(theirs) };
}

async function measure(
  operation: () => unknown,
  windowMs: number,
  tally: Tally,
): Promise<void> {
  const start = performance.now();
  let elapsed = 0;

  while (elapsed < windowMs) {
    for (let i = 0; i < BATCH; i++) {
      const result = operation();

      // Only our verifier is async; the library is timed without an await.
      if (result instanceof Promise) await result;
    }
    tally.count += BATCH;
    elapsed = performance.now() - start;
  }

  tally.ms += elapsed;
}

function perSecond(tally: Tally): number {
  return (tally.count / tally.ms) * 1000;
}

/** A realistic attempt.completed delivery of about 1 KB, signed now. */
function makeDelivery() {
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  const body = JSON.stringify(envelope());
  const id = 'evt_01HZX3J8Q4B6N2K7M9P5R1T3V8';
  const timestamp = Math.floor(Date.now() / 1000);
  const key = Buffer.from(secret.slice(6), 'base64');
  const mac = createHmac('sha256', key)
    .update(`${id}.${timestamp}.${body}`)
    .digest('base64');
  const headers = {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': `v1,${mac}`,
  };

  return { secret, body, headers };
}

function envelope() {
  const answers = Array.from({ length: 12 }, (_, i) => ({
    questionId: 1000 + i,
    chosen: ['A', 'B', 'C', 'D'][i % 4],
    correct: i % 3 !== 0,
    seconds: 20 + i,
  }));

  return {
    type: 'attempt.completed',
    timestamp: '2026-03-01T12:00:00.000Z',
    data: {
      attemptId: 'att_01HZX3J8Q4B6N2K7M9P5R1T3V8',
      userId: 'usr_01HZX2Y7C3D5F8G1H4J6K9L2M5',
      categoryId: 42,
      categoryName: 'AWS Certified Solutions Architect - Associate',
      score: 87,
      passed: true,
      startedAt: '2026-03-01T11:40:12.000Z',
      completedAt: '2026-03-01T11:59:58.000Z',
      answers,
    },
  };
}

function formatRow(name: string, opsPerSecond: number): string {
  const rate = Math.round(opsPerSecond).toLocaleString('en-US');

  return `${name.padEnd(24)}${rate.padStart(14)} ops/s`;
}

async function main() {
  const { body } = makeDelivery();
  const result = await benchVerify();

  const size = Buffer.byteLength(body);

  console.log(`verify, ${size} byte body, Node ${process.version}`);
  console.log(formatRow('verifyWebhook (ours)', result.ours));
  console.log(formatRow('standardwebhooks', result.library));
  console.log(`ratio: ${(result.ours / result.library).toFixed(2)}x`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await main();
}
