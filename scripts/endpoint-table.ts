/**
 * The README's endpoint table, generated from the routes the plugin
 * serves. `npm run readme:endpoints` rewrites it; test/readme.test.ts
 * fails when the README and the routes part ways.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { createMemoryStorage } from '../adapters/memory/index.js';
import { createLmsApi } from '../src/index.js';

export const README = fileURLToPath(new URL('../README.md', import.meta.url));
const START = '<!-- endpoints:start -->';
const END = '<!-- endpoints:end -->';

/** The markdown table of every listed route, in serving order. */
export async function endpointTable(): Promise<string> {
  const lms = createLmsApi({
    storage: createMemoryStorage(),
    publicUrl: 'https://lms.example.com',
    webhooks: { dispatch: false },
  });
  const rows = lms.routes
    .filter((route) => !route.hidden)
    .map((route) => `| ${route.method} | \`${lms.prefix}${route.path}\` | ` +
      `${route.permission ?? 'none'} | ${route.description} |`);

  await lms.close();

  return ['| method | path | permission | description |',
    '|---|---|---|---|', ...rows].join('\n');
}

function markers(readme: string): [number, number] | null {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);

  return start >= 0 && end > start ? [start + START.length, end] : null;
}

/** The table as the README holds it now, between its markers. */
export function readmeTable(readme: string): string | null {
  const found = markers(readme);

  return found && readme.slice(...found).trim();
}

async function rewriteReadme(): Promise<void> {
  const readme = readFileSync(README, 'utf8');
  const found = markers(readme);

  if (!found) throw new Error(`README.md lacks ${START} … ${END}`);

  const table = await endpointTable();

  writeFileSync(README,
    `${readme.slice(0, found[0])}\n${table}\n${readme.slice(found[1])}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await rewriteReadme();
