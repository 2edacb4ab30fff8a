/**
 * The package as a consumer installs it: every subpath of the exports map
 * resolves to built JavaScript with types beside it, and the receiver's
 * verify helper imports nothing but its own files and node:crypto.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { suite } from 'uvu';

const root = fileURLToPath(new URL('..', import.meta.url));
const manifest = JSON.parse(readFileSync(`${root}package.json`, 'utf8'));
const test = suite('package exports');

const EXPECTED: Record<string, string[]> = {
  'certboost-lms-api': ['createLmsApi', 'createWebhookWorker', 'ApiError'],
  'certboost-lms-api/adapters/memory': ['createMemoryStorage'],
  'certboost-lms-api/adapters/postgres': ['createPostgresStorage'],
  'certboost-lms-api/verify': ['verifyWebhook', 'verifyWebhookMiddleware',
    'WebhookVerificationError'],
  'certboost-lms-api/client': ['createLmsClient', 'LmsApiError'],
};

test.before(() => {
  if (!existsSync(`${root}dist/src/index.js`)) {
    execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'ignore' });
  }
});

test('every export points at built files with types', () => {
  for (const [subpath, target] of Object.entries(manifest.exports)) {
    if (typeof target === 'string') continue;

    const { types, default: code } = target as Record<string, string>;

    assert.ok(existsSync(`${root}${code}`), `${subpath}: ${code}`);
    assert.ok(existsSync(`${root}${types}`), `${subpath}: ${types}`);
  }
});

test('each subpath exports its public names', async () => {
  for (const [specifier, names] of Object.entries(EXPECTED)) {
    const loaded = await import(specifier);

    for (const name of names) {
      assert.equal(typeof loaded[name], 'function', `${specifier}.${name}`);
    }
  }
});

function withoutComments(code: string): string {
  return code.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
}

test('built verify imports neither koa, knex nor the server', () => {
  const dir = `${root}dist/verify/`;
  const specifiers = readdirSync(dir)
    .filter((name) => name.endsWith('.js'))
    .flatMap((name) => [...withoutComments(readFileSync(dir + name, 'utf8'))
      .matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)]
      .map((match) => match[1]));

  assert.ok(specifiers.length > 0, 'found the imports');
  assert.deepEqual(
    specifiers.filter((s) => !s.startsWith('./') && s !== 'node:crypto'),
    [],
  );
});

test('the bin entry is built with a shebang', () => {
  const bin = `${root}${manifest.bin['certboost-lms-api']}`;

  assert.match(readFileSync(bin, 'utf8'), /^#!\/usr\/bin\/env node/);
});

test.run();
