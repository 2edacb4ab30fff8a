/**
 * One behaviour suite, run once through the public `verifyWebhook`
 * (node:crypto on Node) and once forced through Web Crypto.
 */
import assert from 'node:assert/strict';
import { suite } from 'uvu';

import { loadEngine, webEngine } from '../../verify/engine.js';
import {
  verifyWebhook,
  WebhookVerificationError,
  type VerifyWebhookOptions,
  type WebhookHeaders,
  type WebhookRawBody,
  type WebhookVerificationErrorCode,
} from '../../verify/index.js';
import { signingKeys } from '../../verify/secrets.js';
import { verifyWebhookWith } from '../../verify/verify.js';
import {
  NOW,
  atNow,
  envelopeBody,
  newSecret,
  oracleSign,
  signedHeaders,
} from './helpers.js';

type Verify = (
  rawBody: WebhookRawBody,
  headers: WebhookHeaders,
  secret: string | readonly string[],
  options?: VerifyWebhookOptions,
) => Promise<unknown>;

const verifiers: Record<string, Verify> = {
  'node:crypto': verifyWebhook,
  'Web Crypto': (...args) => verifyWebhookWith(webEngine, ...args),
};

const STATUS: Record<WebhookVerificationErrorCode, number> = {
  raw_body_required: 500,
  missing_header: 400,
  invalid_timestamp: 400,
  invalid_json: 400,
  timestamp_too_old: 401,
  timestamp_too_new: 401,
  no_matching_signature: 401,
};

function rejectsWith(
  promise: Promise<unknown>,
  code: WebhookVerificationErrorCode,
) {
  return assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof WebhookVerificationError);
    assert.equal(error.code, code);
    assert.equal(error.status, STATUS[code]);

    return true;
  });
}

for (const [engine, verify] of Object.entries(verifiers)) {
  const test = suite(`verifyWebhook (${engine})`);
  const secret = newSecret();
  const body = envelopeBody();

  // The usual call: this suite's secret and the fixed clock.
  const check = (
    raw: WebhookRawBody,
    headers: WebhookHeaders,
    options: VerifyWebhookOptions = atNow,
  ) => verify(raw, headers, secret, options);

  // Valid headers for `body` with one of them replaced.
  const headersWith = (name: string, value: string) => ({
    ...signedHeaders(secret, body),
    [name]: value,
  });

  test('accepts a valid delivery and returns the parsed body', async () => {
    const event = await check(body, signedHeaders(secret, body));

    assert.deepEqual(event, JSON.parse(body));
  });

  test('accepts a Buffer, a Uint8Array or a view into one', async () => {
    const bytes = new TextEncoder().encode(body);
    const padded = new Uint8Array(bytes.length + 8);

    padded.set(bytes, 4);
    for (const raw of [Buffer.from(body), bytes, padded.subarray(4, -4)]) {
      const event = await check(raw, signedHeaders(secret, raw));

      assert.deepEqual(event, JSON.parse(body));
    }
  });

  test('rejects a parsed body and asks for the raw one', async () => {
    const parsed = JSON.parse(body) as unknown as string;
    const headers = signedHeaders(secret, body);

    await rejectsWith(check(parsed, headers), 'raw_body_required');
    await assert.rejects(check(parsed, headers), /raw request body/);
  });

  test('names each missing header', async () => {
    const names = ['webhook-id', 'webhook-timestamp', 'webhook-signature'];

    for (const name of names) {
      const headers = signedHeaders(secret, body);

      delete headers[name];
      await rejectsWith(check(body, headers), 'missing_header');
      await assert.rejects(check(body, headers), {
        message: `Missing ${name} header.`,
      });
    }
  });

  test('treats an empty header as missing', async () => {
    const headers = headersWith('webhook-id', '');

    await rejectsWith(check(body, headers), 'missing_header');
  });

  test('rejects a malformed timestamp', async () => {
    for (const bad of ['soon', '1.7e9', '-5', '170000 0', '0x10']) {
      const headers = headersWith('webhook-timestamp', bad);

      await rejectsWith(check(body, headers), 'invalid_timestamp');
    }
  });

  test('accepts a timestamp at either edge of the tolerance', async () => {
    for (const timestamp of [NOW - 300, NOW + 300]) {
      assert.ok(await check(body, signedHeaders(secret, body, { timestamp })));
    }
  });

  test('rejects a timestamp past either edge of the tolerance', async () => {
    const old = signedHeaders(secret, body, { timestamp: NOW - 301 });
    const early = signedHeaders(secret, body, { timestamp: NOW + 301 });

    await rejectsWith(check(body, old), 'timestamp_too_old');
    await rejectsWith(check(body, early), 'timestamp_too_new');
  });

  test('honours toleranceSeconds and a Date clock', async () => {
    const headers = signedHeaders(secret, body, { timestamp: NOW - 11 });
    const now = () => new Date(NOW * 1000);
    const strict = check(body, headers, { toleranceSeconds: 10, now });

    await rejectsWith(strict, 'timestamp_too_old');
    assert.ok(await check(body, headers, { toleranceSeconds: 11, now }));
  });

  test('rejects a wrong secret, a changed body and a changed id', async () => {
    const headers = signedHeaders(secret, body);
    const wrongSecret = verify(body, headers, newSecret(), atNow);

    await rejectsWith(wrongSecret, 'no_matching_signature');
    await rejectsWith(check(`${body} `, headers), 'no_matching_signature');
    await rejectsWith(
      check(body, headersWith('webhook-id', 'msg_2')),
      'no_matching_signature',
    );
  });

  test('ignores signatures with another version prefix', async () => {
    const valid = oracleSign(secret, 'msg_1', NOW, body);
    const mac = valid.slice(3);
    const others = [`v1a,${mac}`, `v2,${mac}`, mac, 'v1,', ` v1a,${mac} `];

    for (const signature of others) {
      const headers = headersWith('webhook-signature', signature);

      await rejectsWith(check(body, headers), 'no_matching_signature');
    }

    const mixed = headersWith('webhook-signature', `v1a,xyz ${valid}`);

    assert.ok(await check(body, mixed));
  });

  test('rejects a signed body that is not JSON', async () => {
    for (const raw of ['not json', '']) {
      await rejectsWith(check(raw, signedHeaders(secret, raw)), 'invalid_json');
    }
  });

  test('returns any JSON, such as the spec vector body', async () => {
    const raw = '{"test": 2432232314}';
    const event = await check(raw, signedHeaders(secret, raw));

    assert.deepEqual(event, { test: 2432232314 });
  });

  test('accepts either of two secrets during a rotation', async () => {
    const [previous, next] = [newSecret(), newSecret()];

    for (const signer of [previous, next]) {
      const headers = signedHeaders(signer, body);

      assert.ok(await verify(body, headers, [previous, next], atNow));
    }
  });

  test('accepts a header with several signatures if one matches', async () => {
    const stale = oracleSign(newSecret(), 'msg_1', NOW, body);
    const fresh = oracleSign(secret, 'msg_1', NOW, body);

    for (const signature of [`${stale} ${fresh}`, `${fresh} ${stale}`]) {
      const headers = headersWith('webhook-signature', signature);

      assert.ok(await check(body, headers));
    }
  });

  test('accepts the svix-* header names', async () => {
    const signed = signedHeaders(secret, body);
    const headers = {
      'svix-id': signed['webhook-id'],
      'svix-timestamp': signed['webhook-timestamp'],
      'svix-signature': signed['webhook-signature'],
    };

    assert.ok(await check(body, headers));
  });

  test('accepts a Fetch Headers object', async () => {
    assert.ok(await check(body, new Headers(signedHeaders(secret, body))));
  });

  test('accepts a repeated signature header joined by Headers', async () => {
    const headers = new Headers(signedHeaders(secret, body));
    const stale = oracleSign(newSecret(), 'msg_1', NOW, body);

    headers.set('webhook-signature', stale);
    headers.append('webhook-signature', oracleSign(secret, 'msg_1', NOW, body));
    assert.match(headers.get('webhook-signature') ?? '', /, v1,/);
    assert.ok(await check(body, headers));
  });

  test('accepts a plain object in mixed letter case', async () => {
    const signed = signedHeaders(secret, body);
    const headers = {
      'Webhook-Id': signed['webhook-id'],
      'WEBHOOK-TIMESTAMP': signed['webhook-timestamp'],
      'webhook-Signature': signed['webhook-signature'],
    };

    assert.ok(await check(body, headers));
  });

  test('accepts header values given as arrays', async () => {
    const signed = signedHeaders(secret, body);
    const headers = {
      'webhook-id': [signed['webhook-id']],
      'webhook-timestamp': [signed['webhook-timestamp']],
      'webhook-signature': ['v1,bm90IGl0', signed['webhook-signature']],
    };

    assert.ok(await check(body, headers));
  });

  test('accepts a secret without the whsec_ prefix', async () => {
    const bare = secret.slice('whsec_'.length);

    assert.ok(await verify(body, signedHeaders(secret, body), bare, atNow));
  });

  test('throws a TypeError naming `secret` for an empty one', () => {
    const headers = signedHeaders(secret, body);

    for (const empty of ['', 'whsec_', [], [''], [secret, 'whsec_']]) {
      assert.throws(() => verify(body, headers, empty, atNow), {
        name: 'TypeError',
        message: /`secret`/,
      });
    }
  });

  test('throws a TypeError for a secret that is not base64', () => {
    const headers = signedHeaders(secret, body);

    assert.throws(() => verify(body, headers, 'whsec_not*base64', atNow), {
      name: 'TypeError',
      message: /`secret`/,
    });
  });

  test('throws a TypeError for bad options', async () => {
    const headers = signedHeaders(secret, body);
    const nanClock = check(body, headers, { now: () => Number.NaN });

    for (const toleranceSeconds of [-1, Number.NaN, Infinity]) {
      assert.throws(() => check(body, headers, { toleranceSeconds }), {
        name: 'TypeError',
        message: /`toleranceSeconds`/,
      });
    }
    await assert.rejects(nanClock, { name: 'TypeError', message: /`now`/ });
  });

  test('never echoes the secret or the body in a message', async () => {
    const marker = 'SENSITIVE-42';
    const raw = `{"marker":"${marker}"`;
    const signed = signedHeaders(secret, raw);
    const cases: Array<[unknown, WebhookHeaders]> = [
      [raw, signed],
      [raw, { ...signed, 'webhook-signature': `v1,${marker}` }],
      [raw, { ...signed, 'webhook-timestamp': marker }],
      [{ marker }, signed],
    ];

    for (const [input, headers] of cases) {
      await assert.rejects(check(input as string, headers), (error: Error) => {
        assert.ok(error instanceof WebhookVerificationError);
        assert.ok(!error.message.includes(marker));
        assert.ok(!error.message.includes(secret.slice(6, 20)));

        return true;
      });
    }
  });

  test.run();
}

const engines = suite('HMAC engines');

engines('picks node:crypto on Node', async () => {
  assert.equal((await loadEngine()).name, 'node');
});

engines('the Web Crypto path runs without Buffer', async () => {
  const secret = newSecret();
  const bytes = new TextEncoder().encode(envelopeBody());
  const headers = signedHeaders(secret, bytes);
  const saved = globalThis.Buffer;

  // The global comes back before any assertion can throw.
  Reflect.deleteProperty(globalThis, 'Buffer');
  const outcomes = await Promise.allSettled([
    verifyWebhookWith(webEngine, bytes, headers, [newSecret(), secret], atNow),
    verifyWebhookWith(webEngine, bytes, headers, newSecret(), atNow),
  ]);
  globalThis.Buffer = saved;

  assert.equal(outcomes[0].status, 'fulfilled');
  assert.equal(outcomes[1].status, 'rejected');
  assert.equal(
    (outcomes[1] as PromiseRejectedResult).reason.code,
    'no_matching_signature',
  );
});

engines('both engines compute the oracle signature', async () => {
  const node = await loadEngine();
  const secret = newSecret();
  const keys = signingKeys([secret, newSecret()]);
  const body = new TextEncoder().encode('{"é":1}');
  const fromWeb = await webEngine.sign(keys, 'msg_1.1.', body);

  assert.deepEqual(fromWeb, await node.sign(keys, 'msg_1.1.', body));
  assert.equal(`v1,${fromWeb[0]}`, oracleSign(secret, 'msg_1', 1, body));
});

engines('constant-time equality agrees with ===', async () => {
  const node = await loadEngine();
  const pairs = [['abc', 'abc'], ['abc', 'abd'], ['abc', 'ab'], ['é', 'e']];

  for (const [a, b] of pairs) {
    assert.equal(node.equal(a, b), a === b);
    assert.equal(webEngine.equal(a, b), a === b);
  }
});

engines.run();
