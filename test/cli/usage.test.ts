/**
 * The command line without a database: help, usage errors and an
 * unreachable server. None of these needs PostgreSQL to be running.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { lines, runCli } from './helpers.js';

const DB = { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test' };
const UNREACHABLE = { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/test' };

const help = suite('cli: help');

help('--help and -h print the program usage on stdout and exit 0', async () => {
  const [long, short] = await Promise.all([
    runCli(['--help']),
    runCli(['-h']),
  ]);

  for (const result of [long, short]) {
    assert.is(result.status, 0);
    assert.match(result.stdout, /^Usage: certboost-lms-api <command>/);
    assert.match(result.stdout, /keys deactivate/);
    assert.match(result.stdout, /LMS_DB_SCHEMA/);
    assert.is(result.stderr, '');
  }
});

help('every command answers --help without a database', async () => {
  const commands = [
    ['migrate'],
    ['keys'],
    ['keys', 'create'],
    ['keys', 'list'],
    ['keys', 'deactivate'],
    ['serve'],
    ['worker'],
  ];
  const results = await Promise.all(
    commands.map((command) => runCli([...command, '--help'])),
  );

  results.forEach((result, i) => {
    const usage = `Usage: certboost-lms-api ${commands[i]!.join(' ')}`;

    assert.is(result.status, 0, commands[i]!.join(' '));
    assert.ok(result.stdout.startsWith(usage), result.stdout);
    assert.match(result.stdout, /DATABASE_URL/);
    assert.match(result.stdout, /LMS_DB_SCHEMA/);
  });
});

help('keys create --help documents the output and the options', async () => {
  const { stdout } = await runCli(['keys', 'create', '-h']);

  for (const option of ['--user', '--permission', '--name', '--expires']) {
    assert.ok(stdout.includes(option), option);
  }
  assert.match(stdout, /ReadOnly, ReadWrite or Admin/);
  assert.match(stdout, /the key and then its keyId/);
});

help('serve --help documents its environment', async () => {
  const { stdout } = await runCli(['serve', '--help']);

  for (const name of ['PORT', 'HOST', 'PUBLIC_URL', 'LMS_API_MASTER_KEY']) {
    assert.ok(stdout.includes(name), name);
  }
});

help.run();

const usage = suite('cli: usage errors');

/** Exit 2, nothing on stdout, the reason and then the usage on stderr. */
function assertUsageError(
  result: Awaited<ReturnType<typeof runCli>>,
  reason: RegExp,
  usageLine: string,
): void {
  assert.is(result.status, 2, result.stderr);
  assert.is(result.stdout, '');
  assert.match(lines(result.stderr)[0]!, reason);
  assert.ok(result.stderr.includes(usageLine), result.stderr);
}

usage('no command: exit 2 with the program usage', async () => {
  assertUsageError(await runCli([]), /Missing command/,
    'Usage: certboost-lms-api <command>');
});

usage('an unknown command: exit 2 naming it', async () => {
  assertUsageError(await runCli(['frobnicate'], DB),
    /^certboost-lms-api: Unknown command: frobnicate$/,
    'Usage: certboost-lms-api <command>');
});

usage('an unknown keys subcommand: exit 2 with the keys usage', async () => {
  assertUsageError(await runCli(['keys', 'rotate'], DB),
    /Unknown subcommand: keys rotate/, 'Usage: certboost-lms-api keys <');
});

usage('a bad --permission: exit 2 listing the permissions', async () => {
  const result = await runCli(
    ['keys', 'create', '--user', 'u1', '--permission', 'Root'], DB);

  assertUsageError(result, /--permission must be one of ReadOnly, ReadWrite, Admin/,
    'Usage: certboost-lms-api keys create');
});

usage('keys create without --user or --permission: exit 2', async () => {
  const [noUser, noPermission] = await Promise.all([
    runCli(['keys', 'create', '--permission', 'ReadOnly'], DB),
    runCli(['keys', 'create', '--user', 'u1'], DB),
  ]);

  assertUsageError(noUser, /Missing --user/, 'keys create');
  assertUsageError(noPermission, /Missing --permission/, 'keys create');
});

usage('--expires that is not an instant, or is past: exit 2', async () => {
  const base = ['keys', 'create', '--user', 'u1', '--permission', 'ReadOnly'];
  const [garbled, local, past] = await Promise.all([
    runCli([...base, '--expires', 'next tuesday'], DB),
    runCli([...base, '--expires', '2030-01-01T10:00'], DB),
    runCli([...base, '--expires', '2001-01-01T00:00:00Z'], DB),
  ]);

  assertUsageError(garbled, /--expires must be an ISO-8601/, 'keys create');
  assertUsageError(local, /--expires must be an ISO-8601/, 'keys create');
  assertUsageError(past, /--expires must be in the future/, 'keys create');
});

usage('an unknown option or a missing value: exit 2', async () => {
  const [unknown, noValue] = await Promise.all([
    runCli(['migrate', '--force'], DB),
    runCli(['keys', 'list', '--user'], DB),
  ]);

  assertUsageError(unknown, /Unknown option '--force'/, 'Usage: certboost-lms-api migrate');
  assertUsageError(noValue, /--user/, 'Usage: certboost-lms-api keys list');
});

usage('keys deactivate without an id, or with two: exit 2', async () => {
  const [none, two] = await Promise.all([
    runCli(['keys', 'deactivate'], DB),
    runCli(['keys', 'deactivate', 'key_a', 'key_b'], DB),
  ]);

  assertUsageError(none, /Missing KEY_ID/, 'keys deactivate KEY_ID');
  assertUsageError(two, /Unexpected argument: key_b/, 'keys deactivate KEY_ID');
});

usage('a missing DATABASE_URL: exit 2 saying so, for every command', async () => {
  const commands = [
    ['migrate'],
    ['keys', 'list', '--user', 'u1'],
    ['keys', 'deactivate', 'key_x'],
    ['serve'],
  ];
  const results = await Promise.all(commands.map((c) => runCli(c)));

  results.forEach((result, i) => {
    assertUsageError(result, /DATABASE_URL is not set/,
      `Usage: certboost-lms-api ${commands[i]![0]}`);
  });
});

usage('a DATABASE_URL that is not a postgres URL: exit 2', async () => {
  const result = await runCli(['migrate'],
    { DATABASE_URL: 'mysql://root@127.0.0.1/test' });

  assertUsageError(result, /DATABASE_URL must start with postgres:\/\//,
    'Usage: certboost-lms-api migrate');
});

usage('an invalid LMS_DB_SCHEMA: exit 2 naming the variable', async () => {
  const result = await runCli(['migrate'], { ...DB, LMS_DB_SCHEMA: 'Bad-Name' });

  assertUsageError(result, /Invalid LMS_DB_SCHEMA/,
    'Usage: certboost-lms-api migrate');
});

usage.run();

const unreachable = suite('cli: unreachable database');

/**
 * Past the adapter's 2 s acquire timeout plus a loaded machine's start-up
 * time, well short of a hang (TCP's own timeouts run to minutes).
 */
const FAST_DEADLINE_MS = 10_000;

unreachable('each command fails with exit 1 and one line, quickly', async () => {
  const commands = [
    ['migrate'],
    ['keys', 'create', '--user', 'u1', '--permission', 'ReadOnly'],
    ['keys', 'list', '--user', 'u1'],
    ['keys', 'deactivate', 'key_x'],
    ['serve'],
  ];
  // One at a time: in parallel they would measure the CPU, not the CLI.
  for (const command of commands) {
    const result = await runCli(command, UNREACHABLE, FAST_DEADLINE_MS);
    const name = command.join(' ');

    assert.not.ok(result.timedOut, `${name} still running after the deadline`);
    assert.is(result.status, 1, name);
    assert.is(result.stdout, '', name);
    assert.equal(lines(result.stderr), [
      'certboost-lms-api: cannot reach the database at 127.0.0.1:1/test ' +
        '(ECONNREFUSED)',
    ], name);
  }
});

unreachable('the error never shows the password from DATABASE_URL', async () => {
  const result = await runCli(['keys', 'list', '--user', 'u1'], {
    DATABASE_URL: 'postgres://postgres:s3cret-pw@127.0.0.1:1/test',
  }, FAST_DEADLINE_MS);

  assert.is(result.status, 1);
  assert.not.match(result.stderr, /s3cret-pw/);
  assert.not.match(result.stderr, /postgres:/);
});

unreachable.run();
