/**
 * `certboost-lms-api/verify` must load in a receiver that has neither koa
 * nor knex, and on Web runtimes: it imports only its own files, and
 * node:crypto only lazily.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { suite } from 'uvu';

const dir = resolve(import.meta.dirname, '../../verify');
const sources = readdirSync(dir)
  .filter((name) => name.endsWith('.ts'))
  .map((name) => ({ name, text: code(readFileSync(join(dir, name), 'utf8')) }));

// TSDoc examples import the package by name; only real code counts.
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
}

// Static `import ... from '...'`, `export ... from '...'` and `import('...')`.
const SPECIFIER =
  /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"]([^'"]+)['"]/g;

function specifiers(text: string): string[] {
  return [...text.matchAll(SPECIFIER)].map((match) => match[1]);
}

const test = suite('verify/ isolation');

test('finds the sources it checks', () => {
  assert.ok(sources.some((source) => source.name === 'index.ts'));
  assert.ok(sources.length >= 3);
});

test('imports neither koa, knex nor anything from src/', () => {
  for (const { name, text } of sources) {
    for (const specifier of specifiers(text)) {
      assert.doesNotMatch(specifier, /^(koa|knex|@koa\/)/, name);
      assert.doesNotMatch(specifier, /(^|\/)src(\/|$)/, name);
    }
  }
});

test('imports only sibling files and node:crypto', () => {
  for (const { name, text } of sources) {
    for (const specifier of specifiers(text)) {
      assert.match(specifier, /^(\.\/[\w-]+\.js|node:crypto)$/, name);
    }
  }
});

test('loads node:crypto only lazily or for types', () => {
  for (const { name, text } of sources) {
    const eager = /^import\s+(?!type\b)[^;]*['"]node:crypto['"]/m;

    assert.doesNotMatch(text, eager, name);
  }
});

test('the scan sees real imports and skips comments', () => {
  const sample = [
    "import Koa from 'koa';",
    "export { x } from '../src/index.js';",
    "const k = await import('knex');",
    ' * import { verifyWebhook } from "certboost-lms-api/verify";',
    "// import pg from 'pg';",
  ].join('\n');

  assert.deepEqual(specifiers(code(`/**\n${sample}\n */`)), []);
  assert.deepEqual(specifiers(code(sample)), [
    'koa',
    '../src/index.js',
    'knex',
    'certboost-lms-api/verify',
  ]);
});

test.run();
