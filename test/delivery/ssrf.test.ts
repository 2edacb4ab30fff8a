import assert from 'node:assert/strict';
import type { LookupAddress } from 'node:dns';
import { suite } from 'uvu';

import {
  WebhookUrlError,
  assertSafeWebhookUrl,
  checkWebhookUrlSyntax,
  classifyAddress,
  resolveWebhookTarget,
  type LookupFn,
  type NetworkPolicy,
  type WebhookUrlErrorReason,
} from '../../src/services/delivery/ssrf.js';

const STRICT: NetworkPolicy = { allowPrivateNetworks: false, allowHttp: false };
const HTTP_OK: NetworkPolicy = { allowPrivateNetworks: false, allowHttp: true };
const OPEN: NetworkPolicy = { allowPrivateNetworks: true, allowHttp: true };

interface FakeLookup extends LookupFn {
  hosts: string[];
}

/** A resolver that answers every name with `addresses` and records it. */
function answering(...addresses: string[]): FakeLookup {
  const hosts: string[] = [];
  const lookup = async (host: string): Promise<LookupAddress[]> => {
    hosts.push(host);

    return addresses.map((address) => ({
      address,
      family: address.includes(':') ? 6 : 4,
    }));
  };

  return Object.assign(lookup, { hosts });
}

function failing(code: string): FakeLookup {
  const hosts: string[] = [];
  const lookup = async (host: string): Promise<LookupAddress[]> => {
    hosts.push(host);

    throw Object.assign(new Error(`getaddrinfo ${code} ${host}`), { code });
  };

  return Object.assign(lookup, { hosts });
}

function refusedFor(reason: WebhookUrlErrorReason) {
  return (error: unknown): boolean =>
    error instanceof WebhookUrlError && error.reason === reason;
}

const classify = suite('classifyAddress');

const PUBLIC = [
  '93.184.215.14',
  '8.8.8.8',
  '1.1.1.1',
  '2606:4700::1111',
  '2a00:1450:4001:81b::200e',
  '::ffff:93.184.215.14',
];

const REFUSED: Array<[string, string]> = [
  ['127.0.0.1', 'loopback'],
  ['127.255.255.254', 'loopback'],
  ['10.0.0.1', 'private'],
  ['172.16.0.1', 'private'],
  ['172.31.255.255', 'private'],
  ['192.168.1.1', 'private'],
  ['169.254.0.1', 'linkLocal'],
  ['169.254.169.254', 'metadata'],
  ['168.63.129.16', 'metadata'],
  ['100.64.0.1', 'carrierGradeNat'],
  ['100.127.255.254', 'carrierGradeNat'],
  ['0.0.0.0', 'unspecified'],
  ['0.1.2.3', 'unspecified'],
  ['224.0.0.1', 'multicast'],
  ['239.255.255.250', 'multicast'],
  ['255.255.255.255', 'broadcast'],
  ['240.0.0.1', 'reserved'],
  ['192.0.0.8', 'reserved'],
  ['198.18.0.1', 'benchmarking'],
  ['198.19.255.255', 'benchmarking'],
  ['192.0.2.10', 'documentation'],
  ['198.51.100.7', 'documentation'],
  ['203.0.113.200', 'documentation'],
  ['::1', 'loopback'],
  ['::', 'unspecified'],
  ['fe80::1', 'linkLocal'],
  ['fe80::1%eth0', 'linkLocal'],
  ['fc00::1', 'uniqueLocal'],
  ['fd12:3456:789a::1', 'uniqueLocal'],
  ['fd00:ec2::254', 'metadata'],
  ['ff02::1', 'multicast'],
  ['2001:db8::1', 'documentation'],
  ['3fff::1', 'documentation'],
  ['2001:2::1', 'benchmarking'],
  ['100::1', 'discard'],
  ['fec0::1', 'deprecatedSiteLocal'],
  ['4000::1', 'reserved'],
  ['::ffff:10.0.0.1', 'private'],
  ['::ffff:7f00:1', 'loopback'],
  ['::ffff:127.0.0.1', 'loopback'],
  ['::ffff:169.254.169.254', 'metadata'],
  ['::127.0.0.1', 'loopback'],
  ['::7f00:1', 'loopback'],
  ['::5db8:d70e', 'ipv4Compatible'],
  ['2002:7f00:0001::', 'loopback'],
  ['2002:a9fe:a9fe::1', 'metadata'],
  ['2002:5db8:d70e::1', '6to4'],
  ['64:ff9b::a00:1', 'private'],
  ['64:ff9b::127.0.0.1', 'loopback'],
  ['64:ff9b::5db8:d70e', 'rfc6052'],
  ['::ffff:0:a00:1', 'private'],
  // Teredo client 10.0.0.1, obfuscated by inverting its bits.
  ['2001:0:5db8:d70e::f5ff:fffe', 'private'],
  ['2001:0:5db8:d70e::a247:28f1', 'teredo'],
];

classify('returns null for public unicast addresses', () => {
  for (const ip of PUBLIC) assert.equal(classifyAddress(ip), null, ip);
});

classify('names the category of every non-public address', () => {
  for (const [ip, category] of REFUSED) {
    assert.equal(classifyAddress(ip), category, ip);
  }
});

classify('calls anything but a standard address invalid', () => {
  const odd = ['', 'example.com', '127.1', '0x7f.0.0.1', '010.0.0.1', '1.2.3'];

  for (const text of odd) assert.equal(classifyAddress(text), 'invalid', text);
});

classify.run();

const syntax = suite('checkWebhookUrlSyntax');
const checkSyntax = checkWebhookUrlSyntax;

syntax('returns the parsed URL for a public https URL', () => {
  const text = 'https://hooks.example.com/lms?x=1';
  const url = checkWebhookUrlSyntax(text, STRICT);

  assert.equal(url.hostname, 'hooks.example.com');
  assert.equal(url.search, '?x=1');
});

syntax('refuses text that is not an absolute URL', () => {
  for (const text of ['not a url', '/relative/path', '', 'https://']) {
    assert.throws(() => checkSyntax(text, STRICT), refusedFor('invalid'));
  }
});

syntax('refuses schemes other than http and https', () => {
  const urls = [
    'ftp://hooks.example.com/',
    'javascript:alert(1)',
    'file:///etc/passwd',
    'data:text/plain,hi',
    'ws://hooks.example.com/',
  ];

  for (const url of urls) {
    assert.throws(() => checkSyntax(url, OPEN), refusedFor('scheme'), url);
  }
});

syntax('refuses http unless the policy allows it', () => {
  const url = 'http://hooks.example.com/';

  assert.throws(() => checkSyntax(url, STRICT), refusedFor('insecure'));
  assert.equal(checkWebhookUrlSyntax(url, HTTP_OK).protocol, 'http:');
});

syntax('refuses credentials in the URL', () => {
  const urls = [
    'https://user:pass@hooks.example.com/',
    'https://user@hooks.example.com/',
    'https://:pass@hooks.example.com/',
  ];

  for (const url of urls) {
    assert.throws(() => checkSyntax(url, OPEN), refusedFor('credentials'));
  }
});

syntax('refuses localhost names', () => {
  const urls = [
    'https://localhost/',
    'https://LOCALHOST./',
    'https://api.localhost:8443/',
  ];

  for (const url of urls) {
    assert.throws(
      () => checkWebhookUrlSyntax(url, STRICT),
      refusedFor('forbiddenHost'),
      url,
    );
  }
});

syntax('refuses literal addresses in every spelling URLs accept', () => {
  const urls = [
    'https://127.0.0.1/',
    'https://2130706433/',
    'https://0x7f.1/',
    'https://0x7f000001/',
    'https://017700000001/',
    'https://127.1/',
    'https://127.0.0.1./',
    'https://[::1]/',
    'https://[::ffff:127.0.0.1]/',
    'https://[0:0:0:0:0:ffff:7f00:1]/',
    'https://169.254.169.254/latest/meta-data/',
    'https://[fd00:ec2::254]/',
    'https://10.1.2.3:8080/',
    'https://0.0.0.0/',
  ];

  for (const url of urls) {
    assert.throws(
      () => checkWebhookUrlSyntax(url, STRICT),
      refusedFor('forbiddenAddress'),
      url,
    );
  }
});

syntax('accepts a public literal address', () => {
  const url = checkWebhookUrlSyntax('https://93.184.215.14/hook', STRICT);

  assert.equal(url.hostname, '93.184.215.14');
});

syntax('lets private hosts through when the policy allows them', () => {
  const urls = ['http://127.0.0.1:3000/', 'http://localhost/', 'http://[::1]/'];

  for (const url of urls) {
    assert.equal(checkWebhookUrlSyntax(url, OPEN).href, url);
  }
});

syntax('never repeats the URL in the error message', () => {
  const url = 'https://169.254.169.254/hook?token=secret-token';

  assert.throws(
    () => checkWebhookUrlSyntax(url, STRICT),
    (error: unknown) =>
      error instanceof WebhookUrlError &&
      !error.message.includes('secret-token') &&
      !error.message.includes('169.254'),
  );
});

syntax.run();

const resolve = suite('resolveWebhookTarget');

resolve('returns the first address of a public name', async () => {
  const lookup = answering('93.184.215.14', '2606:4700::1111');
  const url = new URL('https://hooks.example.com/');

  const target = await resolveWebhookTarget(url, STRICT, lookup);

  assert.deepEqual(target, { address: '93.184.215.14', family: 4 });
  assert.deepEqual(lookup.hosts, ['hooks.example.com']);
});

resolve('refuses a name when any of its addresses is private', async () => {
  const lookup = answering('93.184.215.14', '10.0.0.5');
  const url = new URL('https://hooks.example.com/');

  await assert.rejects(
    resolveWebhookTarget(url, STRICT, lookup),
    (error: unknown) =>
      error instanceof WebhookUrlError &&
      error.reason === 'forbiddenAddress' &&
      error.category === 'private',
  );
});

resolve('refuses a name that resolves to loopback', async () => {
  const url = new URL('https://rebind.example.test/');

  await assert.rejects(
    resolveWebhookTarget(url, STRICT, answering('127.0.0.1')),
    refusedFor('forbiddenAddress'),
  );
  await assert.rejects(
    resolveWebhookTarget(url, STRICT, answering('::ffff:127.0.0.1')),
    refusedFor('forbiddenAddress'),
  );
});

resolve('allows a loopback answer when the policy allows it', async () => {
  const url = new URL('http://hooks.example.test/');

  const target = await resolveWebhookTarget(url, OPEN, answering('::1'));

  assert.deepEqual(target, { address: '::1', family: 6 });
});

resolve('reports a failed lookup as unresolvable', async () => {
  const lookup = failing('ENOTFOUND');
  const url = new URL('https://nowhere.example.test/');

  await assert.rejects(
    resolveWebhookTarget(url, STRICT, lookup),
    (error: unknown) =>
      error instanceof WebhookUrlError &&
      error.reason === 'unresolvable' &&
      error.cause instanceof Error,
  );
});

resolve('reports an empty or malformed answer as unresolvable', async () => {
  const url = new URL('https://hooks.example.com/');

  await assert.rejects(
    resolveWebhookTarget(url, OPEN, answering()),
    refusedFor('unresolvable'),
  );
  await assert.rejects(
    resolveWebhookTarget(url, OPEN, answering('not-an-address')),
    refusedFor('unresolvable'),
  );
});

resolve('uses a literal address without asking DNS', async () => {
  const lookup = answering('10.0.0.1');

  const v4 = await resolveWebhookTarget(
    new URL('https://93.184.215.14/'),
    STRICT,
    lookup,
  );
  const v6 = await resolveWebhookTarget(
    new URL('https://[2606:4700::1111]/'),
    STRICT,
    lookup,
  );

  assert.deepEqual(v4, { address: '93.184.215.14', family: 4 });
  assert.deepEqual(v6, { address: '2606:4700::1111', family: 6 });
  assert.deepEqual(lookup.hosts, []);
});

resolve.run();

const assertSafe = suite('assertSafeWebhookUrl');

assertSafe('accepts a public URL and returns it parsed', async () => {
  const lookup = answering('93.184.215.14');

  const text = 'https://hooks.example.com/a';
  const url = await assertSafeWebhookUrl(text, STRICT, lookup);

  assert.equal(url.pathname, '/a');
  assert.deepEqual(lookup.hosts, ['hooks.example.com']);
});

assertSafe('refuses on syntax before asking DNS', async () => {
  const lookup = answering('93.184.215.14');

  await assert.rejects(
    assertSafeWebhookUrl('http://hooks.example.com/', STRICT, lookup),
    refusedFor('insecure'),
  );
  assert.deepEqual(lookup.hosts, []);
});

assertSafe('refuses a name that resolves to a metadata address', async () => {
  await assert.rejects(
    assertSafeWebhookUrl(
      'https://hooks.example.com/',
      STRICT,
      answering('169.254.169.254'),
    ),
    (error: unknown) =>
      error instanceof WebhookUrlError && error.category === 'metadata',
  );
});

assertSafe.run();
