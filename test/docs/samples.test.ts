/**
 * The code samples in examples/samples, each run as a child process
 * against the example host app on loopback, the way a reader would run
 * them: with BASE_URL, CB_KEY and USER_ID in the environment.
 */
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { join } from 'node:path';

import { suite } from 'uvu';

import {
  DEMO_USER_ID,
  startLiveHost,
  type LiveHost,
} from '../support/live-host.js';

const SAMPLES = join(import.meta.dirname, '..', '..', 'examples', 'samples');
const TIMEOUT_MS = 60_000;

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command asynchronously, so this process keeps serving. */
function run(
  command: string,
  args: string[],
  env: Record<string, string>,
): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(command, args, {
      cwd: SAMPLES,
      env: { ...process.env, ...env },
      timeout: TIMEOUT_MS,
    }, (error, stdout, stderr) => {
      const code = error ? Number(error.code ?? 1) || 1 : 0;

      resolve({ code, stdout, stderr });
    });
  });
}

function hasPython(): boolean {
  try {
    execFileSync('python3', ['--version'], { stdio: 'ignore' });

    return true;
  } catch {
    return false;
  }
}

const SAMPLE_COMMANDS: Record<string, [string, string[]]> = {
  'curl.sh': ['bash', ['curl.sh']],
  'node-client.ts': [process.execPath, ['--import', 'tsx', 'node-client.ts']],
  'node-fetch.mjs': [process.execPath, ['node-fetch.mjs']],
  'python_stdlib.py': ['python3', ['python_stdlib.py']],
};

/** What the Node and Python samples print, line by line. */
function expectedSummary(host: LiveHost): RegExp[] {
  return [
    new RegExp(`^Directory: CertBoost LMS API v1, \\d+ endpoints, ` +
      `docs at ${host.baseUrl}/docs$`, 'm'),
    // Ordered by name, as the API lists them.
    new RegExp('^Categories matching "aws": ' +
      'AWS-DEV \\(AWS Certified Developer\\), ' +
      'AWS-ARCH \\(AWS Certified Solutions Architect\\)$', 'm'),
    /^Progress of Jane Doe: 5 recent attempts$/m,
    /^Assignment \S+ due 2026-05-01T00:00:00Z$/m,
    new RegExp(`^Launch URL: ${host.origin}/Learning/Assignment/\\S+$`, 'm'),
  ];
}

const state = {} as { host: LiveHost; env: Record<string, string> };
const python = hasPython();
const test = suite('code samples');

test.before(async () => {
  state.host = await startLiveHost();
  state.env = {
    BASE_URL: state.host.baseUrl,
    CB_KEY: state.host.keys.readWrite,
    USER_ID: DEMO_USER_ID,
  };
});

test.after(async () => {
  await state.host.close();
});

test('curl.sh prints each answer', async () => {
  const [command, args] = SAMPLE_COMMANDS['curl.sh'];
  const { code, stdout, stderr } = await run(command, args, state.env);

  assert.equal(code, 0, stderr);
  assert.match(stdout, /"service":"CertBoost LMS API"/);
  assert.match(stdout, /"code":"AWS-ARCH"/);
  assert.doesNotMatch(stdout, /"code":"AZ-900"/);
  assert.match(stdout, /"fullName":"Jane Doe"/);
  assert.match(stdout, /"dueAt":"2026-05-01T00:00:00Z"/);
  assert.match(stdout, /"launchUrl":"http:\/\/127\.0\.0\.1:\d+\/Learning\//);
});

for (const name of ['node-client.ts', 'node-fetch.mjs', 'python_stdlib.py']) {
  if (name.endsWith('.py') && !python) {
    console.log(`skipping ${name}: python3 is not installed`);
    continue;
  }

  test(`${name} prints the directory, categories, progress and assignment`,
    async () => {
      const [command, args] = SAMPLE_COMMANDS[name];
      const { code, stdout, stderr } = await run(command, args, state.env);

      assert.equal(code, 0, stderr);
      for (const line of expectedSummary(state.host)) {
        assert.match(stdout, line);
      }
    });
}

test('every sample fails, with a non-zero exit, on a bad key', async () => {
  const env = { ...state.env, CB_KEY: 'cb_not_a_key' };

  for (const [name, [command, args]] of Object.entries(SAMPLE_COMMANDS)) {
    if (name.endsWith('.py') && !python) continue;

    const { code, stdout, stderr } = await run(command, args, env);

    assert.notEqual(code, 0, `${name} exited 0:\n${stdout}`);
    if (!name.endsWith('.sh')) {
      assert.match(stderr, /401: Invalid or inactive API key\./, name);
    }
  }
});

test.run();
