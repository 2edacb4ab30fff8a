/**
 * Runs every `test/**\/*.test.ts` file as one uvu run, then the HTTP suites
 * a second time on PostgreSQL in a child process, and ends with the line
 * `N passed, N failed` that CI reads. Arguments filter files by a
 * substring of their path: `npm test -- webhooks`.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { run } from 'uvu/run';


interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

const root = resolve(import.meta.dirname);
const onPostgres = process.env.LMS_TEST_ADAPTER === 'postgres';

function findTestFiles(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((name) => {
    const path = join(dir, name);

    if (statSync(path).isDirectory()) return findTestFiles(path);

    return name.endsWith('.test.ts') ? [path] : [];
  });
}

function captureOutput(): () => string {
  let text = '';
  const write = process.stdout.write.bind(process.stdout);

  process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
    text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();

    return write(chunk, ...rest);
  }) as typeof process.stdout.write;

  return () => text.replace(/\x1b\[[0-9;]*m/g, '');
}

function count(output: string, label: string): number {
  const match = new RegExp(`${label}:\\s+(\\d+)`).exec(output);

  return match ? Number(match[1]) : 0;
}

function uvuCounts(output: string): Counts {
  const total = count(output, 'Total');
  const passed = count(output, 'Passed');
  const skipped = count(output, 'Skipped');

  return { passed, skipped, failed: total - passed - skipped };
}

/** Suites that build their host with makeHost, so run on either adapter. */
const HTTP_SUITES = [
  'http/',
  'webhooks/subscriptions-api',
  'webhooks/deliveries-api',
  'webhooks/lifecycle',
  'webhooks/ssrf',
  'docs/page',
];

/** The HTTP suites again, on PostgreSQL, in a process of their own. */
async function runHttpOnPostgres(filters: string[]): Promise<Counts | null> {
  const wanted = HTTP_SUITES.filter((suite) => filters.length === 0 ||
    filters.some((f) => suite.includes(f) || f.includes(suite)));

  if (onPostgres || wanted.length === 0) return null;

  // Imported only now: loading uvu before uvu/run would break the run.
  const { postgresAvailable } = await import('./support/postgres.js');

  if (!(await postgresAvailable())) return null;

  console.log('\nHTTP suites on PostgreSQL');

  const child = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(root, 'run.ts'), ...wanted],
    { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8',
      env: { ...process.env, LMS_TEST_ADAPTER: 'postgres' } },
  );

  process.stdout.write(child.stdout);

  const line = /(\d+) passed, (\d+) failed, (\d+) skipped/.exec(child.stdout);

  if (!line) return { passed: 0, failed: 1, skipped: 0 };

  return {
    passed: Number(line[1]),
    failed: Number(line[2]) + (child.status === 0 ? 0 : Number(line[2]) ? 0 : 1),
    skipped: Number(line[3]),
  };
}

const filters = process.argv.slice(2);
const files = findTestFiles(root).filter((file) =>
  filters.length === 0 || filters.some((f) => file.includes(f)),
);
const suites = files.map((file) => ({ name: relative(root, file), file }));
const output = captureOutput();

await run(suites);
await (await import('./support/cleanup.js')).runCleanup();

const counts = uvuCounts(output());
const extra = await runHttpOnPostgres(filters);

if (extra) {
  counts.passed += extra.passed;
  counts.failed += extra.failed;
  counts.skipped += extra.skipped;
}

console.log(
  `\n${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`,
);
process.exit(counts.failed > 0 || counts.passed === 0 ? 1 : 0);
