/**
 * The docs page in real headless Chromium against the example host app on
 * loopback: Swagger UI renders every endpoint of the directory, under its
 * strict CSP, without a single request leaving the machine.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { chromium, type Browser, type Page } from 'playwright-core';
import { suite } from 'uvu';

import { startLiveHost, type LiveHost } from '../support/live-host.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACT = join(import.meta.dirname, '..', 'artifacts', 'docs.png');
const RENDER_TIMEOUT_MS = 30_000;

interface Endpoint {
  method: string;
  path: string;
}

interface Visit {
  page: Page;
  requests: string[];
  problems: string[];
}

const state = {} as { host: LiveHost; browser: Browser; visit: Visit };

async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu',
      '--disable-background-networking', '--disable-component-update',
      '--no-first-run'],
  });
}

/** Opens the docs page, recording every request and every complaint. */
async function openDocs(browser: Browser, host: LiveHost): Promise<Visit> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const visit: Visit = { page, requests: [], problems: [] };

  page.on('request', (request) => visit.requests.push(request.url()));
  page.on('pageerror', (error) => visit.problems.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') visit.problems.push(message.text());
  });
  await page.goto(`${host.baseUrl}/docs`);
  await page.waitForSelector('.opblock-summary', { timeout: RENDER_TIMEOUT_MS });

  return visit;
}

/** What Swagger UI lists: method and path of each operation block. */
function listedOperations(page: Page): Promise<string[]> {
  return page.$$eval('.opblock-summary', (blocks) => blocks.map((block) => {
    const method = block.querySelector('.opblock-summary-method');
    const path = block.querySelector('.opblock-summary-path');

    return `${method?.textContent?.trim()} ` +
      `${path?.getAttribute('data-path') ?? path?.textContent?.trim()}`;
  }));
}

async function directory(host: LiveHost): Promise<Endpoint[]> {
  const response = await fetch(host.baseUrl, {
    headers: { 'X-CertBoost-Key': host.masterKey },
  });
  const body = (await response.json()) as { endpoints: Endpoint[] };

  return body.endpoints;
}

const available = existsSync(CHROMIUM);
const test = suite('docs page in headless Chromium');

test.before(async () => {
  if (!available) return;

  state.host = await startLiveHost();
  state.browser = await launch();
  state.visit = await openDocs(state.browser, state.host);
});

test.after(async () => {
  await state.browser?.close();
  await state.host?.close();
});

if (!available) {
  if (process.env.CI) {
    test('Chromium is installed in CI', () => {
      assert.fail(`${CHROMIUM} is missing; apt-get install -y chromium`);
    });
  } else {
    console.log(`skipping the browser suite: ${CHROMIUM} is not installed ` +
      '(apt-get install -y chromium)');
  }
} else {
  test('lists every endpoint of the directory', async () => {
    const listed = await listedOperations(state.visit.page);
    const prefix = state.host.lms.prefix;

    for (const endpoint of await directory(state.host)) {
      const path = endpoint.path.slice(prefix.length) || '/';

      assert.ok(listed.includes(`${endpoint.method} ${path}`),
        `${endpoint.method} ${path} is not on the page: ${listed.join(', ')}`);
    }
  });

  test('shows the three webhook events', async () => {
    const text = await state.visit.page.textContent('#swagger-ui') ?? '';

    for (const event of ['assignment.created', 'attempt.completed',
      'webhook.test']) {
      assert.ok(text.includes(event), `${event} is not on the page`);
    }
  });

  test('renders an operation with its schemas when opened', async () => {
    const { page } = state.visit;
    const block = page.locator('.opblock-post', {
      has: page.locator('[data-path="/assignments"]'),
    });

    await block.locator('.opblock-summary').first().click();
    await block.locator('.opblock-body').waitFor({ timeout: RENDER_TIMEOUT_MS });

    const body = await block.locator('.opblock-body').innerText();

    assert.match(body, /201/);
    assert.match(body, /415/);
    assert.match(body, /launchUrl/);
  });

  test('sends no request beyond the loopback server', () => {
    const origin = state.host.origin;
    const strays = state.visit.requests.filter(
      (url) => !url.startsWith(`${origin}/`) && !url.startsWith('data:'),
    );

    assert.ok(state.visit.requests.length >= 5);
    assert.deepEqual(strays, []);
  });

  test('runs under its CSP without errors', () => {
    assert.deepEqual(state.visit.problems, []);
  });

  test('saves a screenshot as a test artefact', async () => {
    mkdirSync(dirname(ARTIFACT), { recursive: true });
    await state.visit.page.screenshot({ path: ARTIFACT, fullPage: true });

    assert.ok(existsSync(ARTIFACT));
  });
}

test.run();
