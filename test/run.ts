/**
 * Runs every `test/**\/*.test.ts` file as one uvu run and ends with the
 * line `N passed, N failed` that CI reads. Arguments filter files by a
 * substring of their path: `npm test -- webhooks`.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { run } from 'uvu/run';

const root = resolve(import.meta.dirname);

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

const filters = process.argv.slice(2);
const files = findTestFiles(root).filter((file) =>
  filters.length === 0 || filters.some((f) => file.includes(f)),
);
const suites = files.map((file) => ({ name: relative(root, file), file }));
const output = captureOutput();

await run(suites);

const text = output();
const total = count(text, 'Total');
const passed = count(text, 'Passed');
const skipped = count(text, 'Skipped');
const failed = total - passed - skipped;

console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
if (total === 0) process.exitCode = 1;
process.exit(process.exitCode ?? (failed > 0 ? 1 : 0));
