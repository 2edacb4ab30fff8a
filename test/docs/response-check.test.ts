/**
 * The response checker the HTTP tests run behind: it must pass what the
 * document describes and catch, readably, what it does not.
 */
import assert from 'node:assert/strict';

import Koa from 'koa';
import supertest from 'supertest';
import { suite } from 'uvu';

import { createMemoryStorage } from '../../adapters/memory/index.js';
import { createLmsApi } from '../../src/index.js';
import {
  createResponseValidator,
  matchPath,
  ResponseMismatchError,
  servedDocument,
  validateResponses,
} from '../support/openapi-check.js';

const CATEGORY = {
  categoryId: 1,
  name: 'AWS Certified Solutions Architect',
  code: 'AWS-ARCH',
  description: 'Validates expertise in designing...',
  questionCount: 420,
  isActive: true,
};

async function documentAndValidator() {
  const lms = createLmsApi({
    storage: createMemoryStorage(),
    publicUrl: 'https://lms.example.com',
  });
  const doc = await servedDocument(lms);

  await lms.close();

  return { doc, check: createResponseValidator(doc) };
}

const test = suite('response checker');

test('passes a body that matches the documented schema', async () => {
  const { check } = await documentAndValidator();

  check({ method: 'GET', path: '/categories', status: 200, body: [CATEGORY] });
  check({ method: 'GET', path: '/categories', status: 401,
    body: { error: 'Missing API key.' } });
});

test('names the field, the rule and the value that differ', async () => {
  const { check } = await documentAndValidator();
  const body = [{ ...CATEGORY, questionCount: '420' }];

  assert.throws(
    () => check({ method: 'GET', path: '/categories', status: 200, body }),
    (error: unknown) => {
      assert.ok(error instanceof ResponseMismatchError);
      assert.match(error.message, /GET \/categories → 200/);
      assert.match(error.message, /\/0\/questionCount: must be integer/);
      assert.match(error.message, /got: "420"/);

      return true;
    },
  );
});

test('rejects a status the operation does not document', async () => {
  const { check } = await documentAndValidator();

  assert.throws(
    () => check({ method: 'GET', path: '/categories', status: 404,
      body: { error: 'x' } }),
    /status 404 is not documented \(documented: 200, 400, 401, 403, 500, 503\)/,
  );
});

test('rejects an error body that is not { error }', async () => {
  const { check } = await documentAndValidator();

  assert.throws(
    () => check({ method: 'POST', path: '/assignments', status: 400,
      body: { message: 'bad' } }),
    /must have required property 'error'/,
  );
});

test('holds unknown paths to an error status with the Error body', async () => {
  const { check } = await documentAndValidator();

  check({ method: 'GET', path: '/nope', status: 404, body: { error: 'x' } });
  assert.throws(
    () => check({ method: 'GET', path: '/nope', status: 200, body: {} }),
    /a success answer to an undocumented operation/,
  );
});

test('matches concrete paths to the document\'s templates', async () => {
  const { doc } = await documentAndValidator();

  assert.equal(matchPath(doc, ''), '/');
  assert.equal(matchPath(doc, '/'), '/');
  assert.equal(matchPath(doc, '/users/u%201/progress'),
    '/users/{userId}/progress');
  assert.equal(matchPath(doc, '/users/u1/progress/x'), undefined);
});

/** A fake plugin that answers the categories path with a given body. */
function appAnswering(body: unknown, type = 'json') {
  const app = new Koa();
  const lms = createLmsApi({
    storage: createMemoryStorage(),
    publicUrl: 'https://lms.example.com',
  });

  app.silent = true;
  app.use(validateResponses(() => servedDocument(lms)));
  app.use((ctx) => {
    ctx.body = body;
    ctx.type = type;
  });

  return { http: supertest(app.callback()), lms };
}

test('middleware: turns a mismatch into a 500 that says why', async () => {
  const { http, lms } = appAnswering([{ ...CATEGORY, isActive: 'yes' }]);
  const response = await http.get('/api/lms/v1/categories');

  await lms.close();
  assert.equal(response.status, 500);
  assert.match(response.text, /\/0\/isActive: must be boolean/);
});

test('middleware: lets matching, non-JSON and outside answers through',
  async () => {
    const ok = appAnswering([CATEGORY]);
    const html = appAnswering('<p>hi</p>', 'html');
    const responses = [
      await ok.http.get('/api/lms/v1/categories'),
      await ok.http.get('/elsewhere'),
      await html.http.get('/api/lms/v1/categories'),
    ];

    await ok.lms.close();
    await html.lms.close();
    assert.deepEqual(responses.map((r) => r.status), [200, 200, 200]);
  });

test.run();
