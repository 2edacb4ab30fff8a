/**
 * `npm run bench`: read-endpoint latency and throughput on each adapter
 * beside a bare Koa route, webhook delivery throughput, and webhook
 * verification speed, all in one run. Prints a markdown report and writes
 * it to bench/results.md. Not a test: it never fails on a missed target.
 *
 * Every API runs in its own child process so autocannon's load generator
 * (this process) never shares an event loop with the server. On the
 * 2-core reference machine the server, autocannon and PostgreSQL still
 * share the two cores, so the figures are a floor, not a ceiling.
 *
 * Environment:
 *   BENCH_DURATION     seconds per case (default 10; e.g. 2 for a smoke run)
 *   BENCH_CONNECTIONS  concurrent connections (default 50)
 *   BENCH_EVENTS       webhook events per adapter (default 10000)
 *   DATABASE_URL       PostgreSQL (default postgres://postgres@127.0.0.1:5432/test);
 *                      each run uses its own schema and drops it afterwards
 *   BENCH_CHILD_NODE_ARGS  extra Node flags for the server processes, e.g.
 *                      "--cpu-prof --cpu-prof-dir=bench/profiles"
 */
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';

import pg from 'pg';

import type { ServerFixtures } from './api-server.js';
import { startChild, type RunningChild } from './child.js';
import type { DeliveryResult } from './delivery-worker.js';
import { runLoad } from './load.js';
import { startReceiver } from './receiver.js';
import {
  evaluate,
  renderReport,
  type DeliveryRow,
  type LoadRow,
  type VerifyFigures,
} from './report.js';
import { PROFILED_USERS, type Profile } from './seed.js';
import { benchVerify } from './verify.js';

const settings = {
  durationSeconds: positive('BENCH_DURATION', 10),
  connections: positive('BENCH_CONNECTIONS', 50),
  events: positive('BENCH_EVENTS', 10_000),
  databaseUrl: process.env.DATABASE_URL ??
    'postgres://postgres@127.0.0.1:5432/test',
};
const warmupSeconds = Math.max(1, Math.min(3, settings.durationSeconds / 4));
/** Delivery attempts in flight in the worker (its default is 16). */
const WORKER_CONCURRENCY = 32;
/**
 * Bare and memory GET /categories are measured in alternating rounds and
 * the median round kept, so a burst of load from elsewhere on the machine
 * cannot decide the comparison.
 */
const ROUNDS = 3;
/**
 * The PostgreSQL diagnostic pass runs each case over one connection: its
 * latency is the service time alone, without the queueing that 50 busy
 * connections on two cores add.
 */
const SERIAL = 1;

const API_SERVER = new URL('./api-server.ts', import.meta.url).pathname;
const DELIVERY_WORKER = new URL('./delivery-worker.ts', import.meta.url)
  .pathname;
const RESULTS = new URL('./results.md', import.meta.url);

const CATEGORIES = 'GET /categories';
const ALL_ATTEMPTS = 'GET /users/{id}/progress (10,000 attempts, all)';
const LIGHT = 'GET /users/{id}/progress?recent=25 (10 attempts)';
const MID = 'GET /users/{id}/progress?recent=25 (1,000 attempts)';
const HEAVY = 'GET /users/{id}/progress?recent=25 (10,000 attempts)';

function positive(name: string, fallback: number): number {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);

  if (!(value > 0)) throw new TypeError(`${name} must be a positive number`);

  return value;
}

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

/** One load case: what to call, with which user's key. */
interface Case {
  endpoint: string;
  path: string;
  profile: Profile;
}

function progress(profile: Profile, query: string): string {
  const { userId } = PROFILED_USERS[profile];

  return `/users/${userId}/progress${query}`;
}

/** The read endpoints, from the fixtures the server reported. */
function readCases(fixtures: ServerFixtures): Case[] {
  const from = encodeURIComponent(fixtures.fromUtc);
  const cases: Case[] = [
    { endpoint: 'GET /api/lms/v1 (directory)', path: '', profile: 'light' },
    { endpoint: CATEGORIES, path: '/categories', profile: 'light' },
    { endpoint: 'GET /categories?search=azure',
      path: '/categories?search=azure', profile: 'light' },
    { endpoint: LIGHT, path: progress('light', '?recent=25'),
      profile: 'light' },
    { endpoint: MID, path: progress('mid', '?recent=25'), profile: 'mid' },
    { endpoint: HEAVY, path: progress('heavy', '?recent=25'),
      profile: 'heavy' },
    { endpoint: 'GET /users/{id}/progress?fromUtc=-30d&recent=25 ' +
      '(10,000 attempts)',
    path: progress('heavy', `?fromUtc=${from}&recent=25`), profile: 'heavy' },
  ];

  if (fixtures.hasWebhooks) {
    cases.push({ endpoint: 'GET /webhooks (5 subscriptions)',
      path: '/webhooks', profile: 'heavy' });
  }
  // Last: 2 MB answers leave garbage and socket buffers that would slow
  // whichever case came next.
  cases.push({ endpoint: ALL_ATTEMPTS, path: progress('heavy', ''),
    profile: 'heavy' });

  return cases;
}

/** One request, to check the case answers 2xx before loading it. */
async function probe(url: string, headers: Record<string, string>) {
  const response = await fetch(url, { headers });

  await response.arrayBuffer();
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
}

/**
 * Waits until the server has finished what the previous case left in
 * flight, so a slow case cannot spill into the next one; then warms the
 * path up and measures it.
 */
async function measure(
  server: RunningChild<ServerFixtures>,
  adapter: string,
  endpoint: string,
  url: string,
  key: string | undefined,
  connections = settings.connections,
): Promise<LoadRow> {
  const headers: Record<string, string> = key ? { 'X-CertBoost-Key': key } : {};
  const options = { url, headers, connections };

  await server.drain();
  await probe(url, headers);
  await runLoad({ ...options, durationSeconds: warmupSeconds });

  const result = await runLoad({ ...options,
    durationSeconds: settings.durationSeconds });

  log(`  ${adapter.padEnd(8)} ${endpoint}: ` +
    `${Math.round(result.requestsPerSecond)} req/s, ` +
    `p95 ${result.p95.toFixed(2)} ms`);

  return { adapter, endpoint, ...result };
}

async function measureApi(
  adapter: string,
  child: RunningChild<ServerFixtures>,
  options: { skip?: string[]; connections?: number } = {},
): Promise<LoadRow[]> {
  const rows: LoadRow[] = [];
  const { payload } = child;

  for (const c of readCases(payload)) {
    if (options.skip?.includes(c.endpoint)) continue;
    rows.push(await measure(child, adapter, c.endpoint,
      payload.apiUrl + c.path, payload.keys[c.profile], options.connections));
  }

  return rows;
}

/** The round with the median req/s. */
function median(rows: LoadRow[]): LoadRow {
  const sorted = [...rows].sort((a, b) =>
    a.requestsPerSecond - b.requestsPerSecond);

  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Bare and memory GET /categories, alternating, ROUNDS times each. */
async function compareWithBare(
  bare: RunningChild<ServerFixtures>,
  memory: RunningChild<ServerFixtures>,
  notes: string[],
): Promise<LoadRow[]> {
  const { apiUrl, keys } = memory.payload;
  const memoryCase = readCases(memory.payload)
    .find((c) => c.endpoint === CATEGORIES)!;
  const rounds: { bare: LoadRow; memory: LoadRow }[] = [];

  for (let i = 0; i < ROUNDS; i++) {
    rounds.push({
      bare: await measure(bare, 'bare Koa', CATEGORIES,
        `${bare.payload.apiUrl}/categories`, undefined),
      memory: await measure(memory, 'memory', CATEGORIES,
        apiUrl + memoryCase.path, keys[memoryCase.profile]),
    });
  }

  const list = (pick: (r: typeof rounds[number]) => LoadRow) =>
    rounds.map((r) => whole(pick(r).requestsPerSecond)).join(', ');

  notes.push(`GET /categories rounds (req/s): bare ${list((r) => r.bare)}; ` +
    `memory ${list((r) => r.memory)}; the table shows each median`);

  return [median(rounds.map((r) => r.bare)),
    median(rounds.map((r) => r.memory))];
}

function whole(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

function seeded(adapter: string, fixtures: ServerFixtures): string {
  return `${adapter}: seeded ${fixtures.attempts.toLocaleString('en-US')} ` +
    `attempts in ${fixtures.seedSeconds.toFixed(1)} s`;
}

/**
 * The bare route and the memory adapter's GET /categories back to back,
 * then the memory adapter's other endpoints.
 */
async function benchMemory(notes: string[]): Promise<LoadRow[]> {
  log('Starting the bare Koa route and the memory adapter...');

  const bare = await startChild<ServerFixtures>(API_SERVER,
    { BENCH_ADAPTER: 'bare' });
  const memory = await startChild<ServerFixtures>(API_SERVER,
    { BENCH_ADAPTER: 'memory' });

  notes.push(seeded('memory', memory.payload));

  try {
    const rows = await compareWithBare(bare, memory, notes);

    await bare.stop();

    return [...rows,
      ...await measureApi('memory', memory, { skip: [CATEGORIES] })];
  } finally {
    await Promise.all([bare.stop(), memory.stop()]);
  }
}

async function benchPostgres(notes: string[]): Promise<LoadRow[]> {
  const schema = `lms_bench_${randomBytes(4).toString('hex')}`;

  log(`Starting the PostgreSQL adapter in schema ${schema}...`);
  try {
    const child = await startChild<ServerFixtures>(API_SERVER, {
      BENCH_ADAPTER: 'postgres', DATABASE_URL: settings.databaseUrl,
      BENCH_SCHEMA: schema });

    notes.push(seeded('postgres', child.payload));
    try {
      const loaded = await measureApi('postgres', child);
      const serial = await measureApi('postgres, 1 conn', child,
        { connections: SERIAL, skip: [ALL_ATTEMPTS] });

      return [...loaded, ...serial];
    } finally {
      await child.stop();
    }
  } finally {
    await dropSchema(schema);
  }
}

async function deliverOn(
  adapter: string,
  receiverUrl: string,
  schema: string,
): Promise<DeliveryResult> {
  const child = await startChild<DeliveryResult>(DELIVERY_WORKER, {
    BENCH_ADAPTER: adapter, RECEIVER_URL: receiverUrl,
    BENCH_EVENTS: String(settings.events), BENCH_SCHEMA: schema,
    BENCH_WORKER_CONCURRENCY: String(WORKER_CONCURRENCY),
    DATABASE_URL: settings.databaseUrl,
  });

  await child.stop();

  return child.payload;
}

/** 10,000 events to a loopback receiver, per adapter. */
async function benchDeliveries(adapters: string[]): Promise<DeliveryRow[]> {
  const receiver = await startReceiver();
  const rows: DeliveryRow[] = [];

  try {
    for (const adapter of adapters) {
      const schema = `lms_bench_${randomBytes(4).toString('hex')}`;

      log(`Delivering ${settings.events} webhooks on ${adapter}...`);
      receiver.reset();
      try {
        const result = await deliverOn(adapter, receiver.url, schema);

        rows.push({ adapter, ...result, ...receiver.counts() });
        log(`  ${adapter}: ${Math.round(result.perSecond)} deliveries/s`);
      } finally {
        if (adapter === 'postgres') await dropSchema(schema);
      }
    }
  } finally {
    await receiver.close();
  }

  return rows;
}

async function withClient<T>(work: (client: pg.Client) => Promise<T>) {
  const client = new pg.Client({ connectionString: settings.databaseUrl,
    connectionTimeoutMillis: 2000 });

  client.on('error', () => undefined);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** The server's version, or null when it cannot be reached. */
async function postgresVersion(): Promise<string | null> {
  try {
    return await withClient(async (client) =>
      (await client.query('show server_version')).rows[0].server_version);
  } catch {
    return null;
  }
}

async function dropSchema(schema: string): Promise<void> {
  await withClient((client) =>
    client.query(`drop schema if exists "${schema}" cascade`));
}

function machine(pgVersion: string | null): string[] {
  const cpus = os.cpus();
  const load = os.loadavg().map((n) => n.toFixed(2)).join(', ');

  return [
    `Date: ${new Date().toISOString()}`,
    `Machine: ${cpus.length} × ${cpus[0]?.model ?? 'unknown CPU'}, ` +
      `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${os.platform()} ` +
      `${os.release()}`,
    `Load average when the run started (1, 5, 15 min): ${load}`,
    `Node ${process.version}; PostgreSQL ${pgVersion ?? 'not reachable'}`,
    `autocannon: ${settings.connections} connections, ` +
      `${settings.durationSeconds} s per case after a ${warmupSeconds} s ` +
      'warm-up; latencies of 2xx responses only',
    'Each API in its own child process; the server, autocannon and ' +
      'PostgreSQL share the cores',
    'Data: 50 categories, 1,000 users; users with 10, 1,000 and 10,000 ' +
      'attempts in the same 10 categories (same response shape), ' +
      '5 attempts for every other user',
    `GET /categories: bare and memory in ${ROUNDS} alternating rounds, ` +
      'median kept',
    '`postgres, 1 conn` rows: the same cases over a single connection, ' +
      'i.e. service time without queueing (a diagnostic)',
    `Delivery: createWebhookWorker, concurrency ${WORKER_CONCURRENCY}, ` +
      '10 user-scoped subscriptions, receiver on 127.0.0.1',
  ];
}

async function main(): Promise<void> {
  const pgVersion = await postgresVersion();
  const header = machine(pgVersion);
  const notes: string[] = [];
  const rows = await benchMemory(notes);

  if (pgVersion) rows.push(...await benchPostgres(notes));
  else notes.push(`PostgreSQL unreachable at ${settings.databaseUrl}: skipped`);

  const deliveries = await benchDeliveries(
    pgVersion ? ['memory', 'postgres'] : ['memory']);

  log('Measuring webhook verification...');

  const verify: VerifyFigures = await benchVerify();
  const checks = evaluate(rows, deliveries, verify,
    { categories: CATEGORIES, light: LIGHT, mid: MID, heavy: HEAVY });
  const markdown = renderReport({ machine: header, rows, deliveries, verify,
    checks, notes: [...notes, `Load average when the run ended: ${
      os.loadavg().map((n) => n.toFixed(2)).join(', ')}`] });

  process.stdout.write(`\n${markdown}`);
  await writeFile(RESULTS, markdown);
  log(`\nWritten to ${RESULTS.pathname}`);
}

await main();
