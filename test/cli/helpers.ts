/**
 * Runs the command line as a child process, the way an operator does, and
 * captures what it prints and how it exits.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const BIN = resolve(root, 'bin/certboost-lms-api.ts');

export interface CliResult {
  /** Exit status; null when a signal ended the process. */
  status: number | null;
  stdout: string;
  stderr: string;
  /** True when the deadline passed and the process was killed. */
  timedOut: boolean;
}

/**
 * The child's environment: only what Node needs plus `env`, so a
 * DATABASE_URL or DEBUG in the test runner's shell cannot leak in.
 */
function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const { PATH, HOME, TMPDIR } = process.env;

  return { PATH, HOME, TMPDIR, NO_COLOR: '1', ...env };
}

function spawnCli(args: string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', BIN, ...args], {
    cwd: root,
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Runs one command to completion, killing it after `deadlineMs`. */
export function runCli(
  args: string[],
  env: Record<string, string> = {},
  deadlineMs = 20_000,
): Promise<CliResult> {
  const child = spawnCli(args, env);
  let stdout = '';
  let stderr = '';
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, deadlineMs);

  child.stdout!.setEncoding('utf8').on('data', (text) => (stdout += text));
  child.stderr!.setEncoding('utf8').on('data', (text) => (stderr += text));

  return new Promise((done, fail) => {
    child.once('error', fail);
    child.once('close', (status) => {
      clearTimeout(timer);
      done({ status, stdout, stderr, timedOut });
    });
  });
}

/** A long-running command (serve, worker) in the background. */
export interface RunningCommand {
  /** The line that said the command was ready, matched. */
  ready: RegExpExecArray;
  /** Sends `signal` and resolves with how the process ended. */
  stop(signal?: NodeJS.Signals): Promise<CliResult>;
}

/**
 * Starts a long-running command and resolves once its stderr matches
 * `ready`. Rejects with its output if it exits first or is too slow.
 */
export function startCommand(
  args: string[],
  env: Record<string, string>,
  ready: RegExp,
  deadlineMs = 20_000,
): Promise<RunningCommand> {
  const child = spawnCli(args, env);
  let stdout = '';
  let stderr = '';
  const exited = new Promise<CliResult>((done) => {
    child.once('close', (status) =>
      done({ status, stdout, stderr, timedOut: false }));
  });

  child.stdout!.setEncoding('utf8').on('data', (text) => (stdout += text));
  child.stderr!.setEncoding('utf8').on('data', (text) => (stderr += text));

  const stop = (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill(signal);
    }

    return exited;
  };

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${args[0]} did not start in time:\n${stderr}`));
    }, deadlineMs);

    child.stderr!.on('data', () => {
      const match = ready.exec(stderr);

      if (!match) return;
      clearTimeout(timer);
      resolve({ ready: match, stop });
    });
    void exited.then((result) => {
      clearTimeout(timer);
      reject(new Error(`${args[0]} exited with ${result.status}:\n` +
        result.stderr));
    });
  });
}

export interface RunningServer extends RunningCommand {
  /** e.g. http://127.0.0.1:41234/api/lms/v1 */
  apiUrl: string;
}

/** Starts `serve` on a free loopback port (PORT=0). */
export async function startServe(
  env: Record<string, string>,
  args: string[] = [],
): Promise<RunningServer> {
  const running = await startCommand(['serve', ...args],
    { ...env, PORT: '0', HOST: '127.0.0.1' }, /Serving (http:\/\/\S+)/);

  return { ...running, apiUrl: running.ready[1]! };
}

/** GET `url` with the key in the documented header; the status code. */
export async function statusWithKey(url: string, key: string): Promise<number> {
  const response = await fetch(url, { headers: { 'X-CertBoost-Key': key } });

  await response.arrayBuffer();

  return response.status;
}

/** Non-empty lines of `text`. */
export function lines(text: string): string[] {
  return text.split('\n').filter((line) => line.trim() !== '');
}
