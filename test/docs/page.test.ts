/**
 * GET /openapi.json, GET /docs and the page's assets, over HTTP: open
 * without a key, served from the package itself, safe under a strict CSP.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

import { suite } from 'uvu';

import { makeHost, PREFIX, withKey } from '../support/http.js';

const swaggerDir = dirname(
  createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'),
);

/** The src of every script and the href of every stylesheet and icon. */
function linkedAssets(html: string): string[] {
  return [...html.matchAll(/(?:src|href)="([^"]+)"/g)]
    .map((match) => match[1])
    .filter((url) => url.includes('/docs/assets/'));
}

async function page() {
  const host = await makeHost({ seed: false });
  const response = await host.http().get(`${PREFIX}/docs`);

  return { host, response, assets: linkedAssets(response.text) };
}

const test = suite('docs page');

test('serves the page as HTML without a key', async () => {
  const { response } = await page();

  assert.equal(response.status, 200);
  assert.match(response.headers['content-type'], /^text\/html; charset=utf-8/);
  assert.match(response.text,
    /<div id="swagger-ui" data-spec-url="\/api\/lms\/v1\/openapi\.json">/);
  assert.match(response.text, /<title>CertBoost LMS API · API docs<\/title>/);
});

test('sends a strict Content-Security-Policy and has no inline script',
  async () => {
    const { response } = await page();
    const csp = response.headers['content-security-policy'];
    const scripts = [...response.text.matchAll(/<script([^>]*)>([^<]*)</g)];

    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.match(csp, /connect-src 'self' https:\/\/lms\.example\.com/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|https?:\/\/cdn/);
    assert.equal(scripts.length, 2);
    for (const [, attributes, inline] of scripts) {
      assert.match(attributes, /src="/);
      assert.equal(inline, '');
    }
  });

test('links only its own assets', async () => {
  const { response, assets } = await page();
  const urls = [...response.text.matchAll(/(?:src|href)="([^"]+)"/g)]
    .map((m) => m[1]);

  assert.deepEqual(assets.map((a) => a.split('/').pop()), [
    'swagger-ui.css', 'favicon-32x32.png', 'swagger-ui-bundle.js',
    'docs-init.js',
  ]);
  for (const url of urls) assert.match(url, /^\/api\/lms\/v1\//);
});

test('serves each asset with its type and a long cache', async () => {
  const { host, assets } = await page();
  const types: Record<string, RegExp> = {
    css: /^text\/css/, js: /^text\/javascript/, png: /^image\/png$/,
  };

  for (const url of assets) {
    const response = await host.http().get(url).buffer(true);
    const extension = url.split('.').pop() as string;

    assert.equal(response.status, 200, url);
    assert.match(response.headers['content-type'], types[extension], url);
    assert.equal(response.headers['cache-control'],
      'public, max-age=31536000, immutable');
  }
});

test('serves swagger-ui-dist files byte for byte', async () => {
  const { host, assets } = await page();
  const bundle = assets.find((a) => a.endsWith('/swagger-ui-bundle.js'));
  const response = await host.http().get(String(bundle)).buffer(true)
    .parse((res, done) => {
      const chunks: Buffer[] = [];

      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });

  assert.ok(Buffer.isBuffer(response.body));
  assert.ok((response.body as Buffer).equals(
    readFileSync(join(swaggerDir, 'swagger-ui-bundle.js')),
  ));
});

test('serves the init script that starts Swagger UI offline', async () => {
  const { host, assets } = await page();
  const init = assets.find((a) => a.endsWith('/docs-init.js'));
  const response = await host.http().get(String(init));

  assert.match(response.text, /SwaggerUIBundle\(/);
  assert.match(response.text, /validatorUrl: null/);
});

test('serves nothing outside the allow-list', async () => {
  const { host, assets } = await page();
  const base = String(assets[0]).replace(/[^/]+$/, '');

  for (const name of ['index.html', 'swagger-ui.js.map', 'package.json',
    '..%2Fpackage.json', 'swagger-initializer.js']) {
    const response = await host.http().get(base + name);

    assert.equal(response.status, 404, name);
    assert.deepEqual(response.body, { error: 'No such endpoint.' });
  }
});

test('serves the OpenAPI document without a key', async () => {
  const host = await makeHost({ seed: false });
  const response = await host.http().get(`${PREFIX}/openapi.json`);

  assert.equal(response.status, 200);
  assert.match(response.headers['content-type'], /^application\/json/);
  assert.equal(response.body.openapi, '3.1.0');
  assert.ok(response.body.paths['/docs'].get);
});

test('lists the document and the page in the directory, not the assets',
  async () => {
    const host = await makeHost({ seed: false });
    const response = await host.http().get(PREFIX)
      .set(withKey(host.masterKey));
    const endpoints = response.body.endpoints as {
      method: string; path: string; permission: string; description: string;
    }[];

    assert.deepEqual(
      endpoints.filter((e) => e.path.startsWith(`${PREFIX}/docs`) ||
        e.path.endsWith('openapi.json')),
      [
        { method: 'GET', path: `${PREFIX}/openapi.json`, permission: 'None',
          description: 'OpenAPI document' },
        { method: 'GET', path: `${PREFIX}/docs`, permission: 'None',
          description: 'API docs page' },
      ],
    );
  });

test('follows a custom prefix and a public URL with a path', async () => {
  const host = await makeHost({
    seed: false,
    prefix: '/lms-api',
    publicUrl: 'https://example.com/portal',
  });
  const response = await host.http().get('/lms-api/docs');
  const doc = await host.http().get('/lms-api/openapi.json');

  assert.match(response.text, /data-spec-url="\/portal\/lms-api\/openapi\.json"/);
  assert.match(response.text, /src="\/portal\/lms-api\/docs\/assets\//);
  assert.deepEqual(doc.body.servers,
    [{ url: 'https://example.com/portal/lms-api' }]);
});

test('escapes the service name in the page', async () => {
  const host = await makeHost({ seed: false, serviceName: 'A <b>&</b> API' });
  const response = await host.http().get(`${PREFIX}/docs`);

  assert.match(response.text, /<title>A &lt;b&gt;&amp;&lt;\/b&gt; API · /);
});

test.run();
