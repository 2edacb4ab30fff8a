/**
 * Every way a request under the prefix can fail, and proof that the host's
 * own routes and error page are left alone.
 */
import assert from 'node:assert/strict';
import { inspect } from 'node:util';

import { suite } from 'uvu';
import type supertest from 'supertest';

import { createMemoryStorage } from '../../adapters/memory/index.js';
import { StorageUnavailableError, type Logger } from '../../src/index.js';
import {
  DEMO_USER_ID,
  PREFIX,
  makeHost,
  progressPath,
  withFaults,
  withKey,
  type Host,
} from '../support/http.js';

const ASSIGNMENTS = `${PREFIX}/assignments`;
const CATEGORIES = `${PREFIX}/categories`;

/** A non-2xx answer of the plugin: exactly `{ "error": string }` JSON. */
function assertJsonError(
  response: supertest.Response,
  status: number,
  message?: string | RegExp,
) {
  assert.equal(response.status, status, response.text);
  assert.match(response.headers['content-type'], /^application\/json/);
  assert.deepEqual(Object.keys(response.body), ['error']);
  assert.equal(typeof response.body.error, 'string');
  assert.doesNotMatch(response.text, /<[a-z]|\n\s+at /i);
  if (typeof message === 'string') assert.equal(response.body.error, message);
  if (message instanceof RegExp) assert.match(response.body.error, message);
}

function postRaw(host: Host, body: string, type = 'application/json') {
  return host.http()
    .post(ASSIGNMENTS)
    .set(withKey(host.masterKey))
    .set('Content-Type', type)
    .send(body);
}

function postJson(host: Host, body: unknown) {
  return host.http()
    .post(ASSIGNMENTS)
    .set(withKey(host.masterKey))
    .send(body as object);
}

function getProgress(host: Host, query: string) {
  return host.http()
    .get(progressPath(DEMO_USER_ID, query))
    .set(withKey(host.masterKey));
}

/** A JSON assignment body padded with spaces to exactly `bytes` bytes. */
function paddedBody(bytes: number): string {
  const json = JSON.stringify({ userId: DEMO_USER_ID, categoryId: 42 });

  return json + ' '.repeat(bytes - json.length);
}

function recordingLogger() {
  const errors: { context: Record<string, unknown>; message?: string }[] = [];
  const ignore = () => {};
  const logger: Logger = {
    error: (context, message) => {
      errors.push({ context: context as Record<string, unknown>, message });
    },
    warn: ignore,
    info: ignore,
    debug: ignore,
  };

  return { logger, errors };
}

const body = suite('request bodies');

body('malformed JSON is a 400', async () => {
  const host = await makeHost();

  for (const text of ['{"userId":', '{userId: 1}', "{'a': 1}", 'null']) {
    assertJsonError(await postRaw(host, text), 400,
      'Malformed JSON in the request body.');
  }
});

body('a JSON array or an empty object names what is missing', async () => {
  const host = await makeHost();

  assertJsonError(await postRaw(host, '[]'), 400,
    'The request body must be a JSON object.');
  assertJsonError(await postRaw(host, '{}'), 400,
    'Missing required body field "userId".');
});

body('a body of exactly 64 KiB is accepted, one byte more is a 413',
  async () => {
    const host = await makeHost();
    const atLimit = await postRaw(host, paddedBody(64 * 1024));
    const over = await postRaw(host, paddedBody(64 * 1024 + 1));

    assert.equal(atLimit.status, 201);
    assertJsonError(over, 413, 'The request body is larger than 65536 bytes.');
  });

body('bodyLimitBytes sets a custom limit', async () => {
  const host = await makeHost({ bodyLimitBytes: 1024 });
  const atLimit = await postRaw(host, paddedBody(1024));
  const over = await postRaw(host, paddedBody(1025));

  assert.equal(atLimit.status, 201);
  assertJsonError(over, 413, 'The request body is larger than 1024 bytes.');
});

body('a POST without a JSON content type is a 415', async () => {
  const host = await makeHost();
  const json = paddedBody(60);

  for (const type of ['text/plain', 'application/x-www-form-urlencoded',
    'application/xml']) {
    assertJsonError(await postRaw(host, json, type), 415,
      'Content-Type must be application/json.');
  }

  const untyped = await host.http().post(ASSIGNMENTS)
    .set(withKey(host.masterKey));

  assertJsonError(untyped, 415, 'Content-Type must be application/json.');
});

body('a JSON content type with a charset is accepted', async () => {
  const host = await makeHost();
  const response = await postRaw(host, paddedBody(60),
    'application/json; charset=utf-8');

  assert.equal(response.status, 201);
});

body('wrong field types are a 400 naming the field', async () => {
  const host = await makeHost();
  const cases: [Record<string, unknown>, string][] = [
    [{ userId: 42, categoryId: 42 },
      'Invalid body field "userId": expected string.'],
    [{ userId: DEMO_USER_ID, categoryId: '42' },
      'Invalid body field "categoryId": expected integer.'],
    [{ userId: DEMO_USER_ID, categoryId: 4.2 },
      'Invalid body field "categoryId": expected integer.'],
    [{ userId: DEMO_USER_ID, categoryId: 0 },
      'Invalid body field "categoryId": expected integer to be greater or equal to 1.'],
    [{ userId: DEMO_USER_ID, categoryId: 42, dueAt: 'tomorrow' },
      'Invalid body field "dueAt": expected an ISO-8601 instant with a ' +
        'time zone, e.g. 2026-05-01T00:00:00Z.'],
    [{ userId: DEMO_USER_ID, categoryId: 42, dueAt: 1777593600000 },
      'Invalid body field "dueAt": expected an ISO-8601 instant with a ' +
        'time zone, e.g. 2026-05-01T00:00:00Z or null.'],
    [{ userId: DEMO_USER_ID, categoryId: 42, note: 7 },
      'Invalid body field "note": expected a string or null.'],
    [{ userId: DEMO_USER_ID, categoryId: 42, note: 'x'.repeat(2001) },
      'Invalid body field "note": expected string length less or equal to 2000.'],
  ];

  for (const [input, error] of cases) {
    assertJsonError(await postJson(host, input), 400, error);
  }
});

body('empty or blank ids are a 400 naming the field', async () => {
  const host = await makeHost();

  assertJsonError(await postJson(host, { userId: '', categoryId: 42 }), 400,
    'Invalid body field "userId": must not be empty.');
  assertJsonError(await postJson(host, { userId: '  ', categoryId: 42 }), 400,
    'Invalid body field "userId": must not be blank.');
  assertJsonError(await postJson(host, { categoryId: 42 }), 400,
    'Missing required body field "userId".');
  assertJsonError(await postJson(host, { userId: DEMO_USER_ID }), 400,
    'Missing required body field "categoryId".');
});

body('a blank userId in the path is a 400 naming it', async () => {
  const host = await makeHost();
  const response = await host.http().get(progressPath(' '))
    .set(withKey(host.masterKey));

  assertJsonError(response, 400, 'Invalid path parameter "userId": must not be blank.');
});

body('an unknown body field is a 400 naming it', async () => {
  const host = await makeHost();
  const response = await postJson(host,
    { userId: DEMO_USER_ID, categoryId: 42, priority: 'high' });

  assertJsonError(response, 400, 'Unknown body field "priority".');
});

const query = suite('query parameters');

query('recent that is not a positive decimal integer is a 400', async () => {
  const host = await makeHost();

  for (const recent of ['0', 'abc', '1.5', '-1', '', '0x10', '1e1', '%205',
    '5%20', '1&recent=2']) {
    assertJsonError(await getProgress(host, `?recent=${recent}`), 400,
      /^Invalid query parameter "recent": /);
  }
});

query('fromUtc that is not an ISO-8601 instant is a 400', async () => {
  const host = await makeHost();

  for (const fromUtc of ['yesterday', '2026-01-01', '2026-01-01T00:00:00',
    '2026-02-30T00:00:00Z', '2026-01-01T24:00:00Z', '1767225600000']) {
    assertJsonError(await getProgress(host, `?fromUtc=${fromUtc}`), 400,
      'Invalid query parameter "fromUtc": expected an ISO-8601 instant ' +
        'with a time zone, e.g. 2026-05-01T00:00:00Z.');
  }
});

query('an unknown query parameter is a 400 naming it', async () => {
  const host = await makeHost();

  assertJsonError(await getProgress(host, '?recnet=5'), 400,
    'Unknown query parameter "recnet".');
});

const routing = suite('routing');

routing('an unknown path under the prefix is a 404 JSON error', async () => {
  const host = await makeHost();

  for (const path of [`${PREFIX}/nope`, `${PREFIX}/users/x/progress/more`,
    `${PREFIX}/users//progress`, `${PREFIX}/categories/42`]) {
    assertJsonError(await host.http().get(path).set(withKey(host.masterKey)),
      404, 'No such endpoint.');
  }
});

routing('an unknown path is a 404 even without a key', async () => {
  const host = await makeHost();

  assertJsonError(await host.http().get(`${PREFIX}/nope`), 404,
    'No such endpoint.');
});

routing('a wrong method is a 405 JSON error with Allow', async () => {
  const host = await makeHost();
  const cases = [
    [host.http().delete(CATEGORIES), 'HEAD, GET'],
    [host.http().put(progressPath(DEMO_USER_ID)), 'HEAD, GET'],
    [host.http().get(ASSIGNMENTS), 'POST'],
    [host.http().post(PREFIX), 'HEAD, GET'],
  ] as const;

  for (const [request, allow] of cases) {
    const response = await request.set(withKey(host.masterKey));

    assertJsonError(response, 405, /is not allowed here/);
    assert.equal(response.headers.allow, allow);
  }
});

routing('an unusual method on a known path is a 405 with Allow', async () => {
  const host = await makeHost();
  const response = await host.http().purge(CATEGORIES)
    .set(withKey(host.masterKey));

  assertJsonError(response, 405, 'Method PURGE is not allowed here. ' +
    'Allowed: HEAD, GET.');
  assert.equal(response.headers.allow, 'HEAD, GET');
});

routing('an unusual method on an unknown path is a 404', async () => {
  const host = await makeHost();
  const response = await host.http().purge(`${PREFIX}/nope`)
    .set(withKey(host.masterKey));

  assertJsonError(response, 404, 'No such endpoint.');
  assert.equal(response.headers.allow, undefined);
});

const failures = suite('unexpected failures');

failures('a storage error is a bare 500 logged with the request id',
  async () => {
    const { logger, errors } = recordingLogger();
    const faults = withFaults(createMemoryStorage());
    const host = await makeHost({ storage: faults.storage, logger });
    const failure = new Error('relation "categories" does not exist');

    faults.fail('catalog.listCategories', failure);

    const response = await host.http().get(CATEGORIES)
      .set(withKey(host.masterKey));

    assertJsonError(response, 500, 'Internal server error');
    assert.doesNotMatch(response.text, /relation/);
    assert.equal(errors.length, 1);
    assert.equal(errors[0].context.err, failure);
    assert.equal(errors[0].context.requestId, response.headers['x-request-id']);
    assert.match(String(errors[0].context.requestId), /^[\w-]{8,}$/);
  });

failures('the logged request id is the one the client sent', async () => {
  const { logger, errors } = recordingLogger();
  const faults = withFaults(createMemoryStorage());
  const host = await makeHost({ storage: faults.storage, logger });

  faults.fail('catalog.listCategories', new Error('boom'));

  const response = await host.http().get(CATEGORIES)
    .set(withKey(host.masterKey)).set('X-Request-Id', 'req-1234');

  assert.equal(response.status, 500);
  assert.equal(response.headers['x-request-id'], 'req-1234');
  assert.equal(errors[0].context.requestId, 'req-1234');
});

failures('the key never reaches the log', async () => {
  const { logger, errors } = recordingLogger();
  const faults = withFaults(createMemoryStorage());
  const host = await makeHost({ storage: faults.storage, logger });
  const key = host.keys.demo.ReadOnly;

  faults.fail('catalog.listCategories', new Error('boom'));

  const response = await host.http()
    .get(`${CATEGORIES}?api_key=${encodeURIComponent(key)}`);

  assert.equal(response.status, 500);
  assert.equal(errors.length, 1);
  assert.ok(!inspect(errors, { depth: 5 }).includes(key));
});

failures('a throwing launchUrl is a 500 and writes nothing', async () => {
  const { logger, errors } = recordingLogger();
  const host = await makeHost({
    logger,
    launchUrl: () => {
      throw new Error('no route to LMS');
    },
  });
  const response = await postJson(host, { userId: DEMO_USER_ID, categoryId: 42 });

  assertJsonError(response, 500, 'Internal server error');
  assert.equal(errors.length, 1);
});

failures('StorageUnavailableError is a 503 with Retry-After', async () => {
  const faults = withFaults(createMemoryStorage());
  const host = await makeHost({ storage: faults.storage });

  faults.fail('catalog.listCategories', new StorageUnavailableError());

  const response = await host.http().get(CATEGORIES)
    .set(withKey(host.masterKey));

  assertJsonError(response, 503,
    'The service is temporarily unavailable. Try again shortly.');
  assert.equal(response.headers['retry-after'], '5');
});

failures('an unavailable key store is a 503, not a 401', async () => {
  const faults = withFaults(createMemoryStorage());
  const host = await makeHost({ storage: faults.storage });

  faults.fail('keys.findKeyByDigest', new StorageUnavailableError());

  const response = await host.http().get(CATEGORIES)
    .set(withKey(host.keys.demo.ReadOnly));

  assertJsonError(response, 503);
  assert.equal(response.headers['www-authenticate'], undefined);
});

failures('errors carry no-store and nosniff headers', async () => {
  const host = await makeHost();
  const response = await host.http().get(CATEGORIES);

  assert.equal(response.status, 401);
  assert.equal(response.headers['cache-control'], 'no-store');
  assert.equal(response.headers['x-content-type-options'], 'nosniff');
});

failures('a service name outside ASCII still yields a valid challenge',
  async () => {
    const host = await makeHost({ serviceName: 'Académie "LMS" — API' });
    const response = await host.http().get(CATEGORIES);

    assertJsonError(response, 401, 'Missing API key.');
    assert.equal(response.headers['www-authenticate'],
      'Bearer realm="Acad?mie \\"LMS\\" ? API"');
  });

const hostApp = suite('the host app around the plugin');

hostApp('its own routes still answer', async () => {
  const host = await makeHost();
  const response = await host.http().get('/');

  assert.equal(response.status, 200);
  assert.deepEqual(response.body, { app: 'host', lms: PREFIX });
});

hostApp('its own failures get its HTML error page', async () => {
  const host = await makeHost();
  const response = await host.http().get('/boom');

  assert.equal(response.status, 500);
  assert.match(response.headers['content-type'], /^text\/html/);
  assert.equal(response.text, '<h1>Host error page</h1>');
});

hostApp('paths outside the prefix are not the plugin\'s', async () => {
  const host = await makeHost();

  for (const path of ['/elsewhere', `${PREFIX}x/categories`, '/api/lms']) {
    const response = await host.http().get(path)
      .set(withKey(host.masterKey));

    assert.equal(response.status, 404);
    assert.match(response.headers['content-type'], /^text\/plain/);
    assert.equal(response.headers['x-request-id'], undefined);
  }
});

hostApp('a plugin failure never shows the host error page', async () => {
  const faults = withFaults(createMemoryStorage());
  const host = await makeHost({ storage: faults.storage });
  let hostSawError = false;

  host.app.on('error', () => {
    hostSawError = true;
  });
  faults.fail('catalog.listCategories', new Error('boom'));

  const response = await host.http().get(CATEGORIES)
    .set(withKey(host.masterKey));

  assertJsonError(response, 500, 'Internal server error');
  assert.equal(hostSawError, false);
});

body.run();
query.run();
routing.run();
failures.run();
hostApp.run();
