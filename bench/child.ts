/**
 * The parent and child halves of a benchmark process: the child does its
 * setup and reports one `ready` message over IPC; the parent later asks it
 * to stop and waits for it to exit.
 */
import { fork, type ChildProcess } from 'node:child_process';

/** How long a child may take to seed and start before the run fails. */
const START_DEADLINE_MS = 5 * 60_000;
/** How long a child may take to stop before it is killed. */
const STOP_DEADLINE_MS = 15_000;

interface ReadyMessage<T> {
  type: 'ready';
  payload: T;
}

interface FailedMessage {
  type: 'failed';
  message: string;
}

type ChildMessage<T> = ReadyMessage<T> | FailedMessage;

export interface RunningChild<T> {
  payload: T;
  /** Resolves once the child reports it has no work in flight. */
  drain(): Promise<void>;
  /** Asks the child to clean up and exit; kills it if it does not. */
  stop(): Promise<void>;
}

/** What a child's setup hands back to {@link serveAsChild}. */
export interface ChildSetup<T> {
  payload: T;
  cleanup: () => Promise<void>;
  /** Resolves when no request is in flight; default: at once. */
  drain?: () => Promise<void>;
}

function exitOf(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve();
  }

  return new Promise((resolve) => child.once('exit', () => resolve()));
}

function drainer(child: ChildProcess) {
  return () => new Promise<void>((resolve) => {
    const onMessage = (message: { type?: string }) => {
      if (message.type !== 'drained') return;
      child.off('message', onMessage);
      resolve();
    };

    child.on('message', onMessage);
    child.send({ type: 'drain' });
  });
}

function stopper(child: ChildProcess) {
  return async () => {
    const exited = exitOf(child);
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_DEADLINE_MS);

    if (child.connected) child.send({ type: 'stop' });
    await exited;
    clearTimeout(timer);
  };
}

/**
 * Node flags for the children, e.g. `--cpu-prof --cpu-prof-dir=prof`
 * to profile the servers (NODE_OPTIONS does not accept --cpu-prof).
 */
function extraNodeArgs(): string[] {
  return (process.env.BENCH_CHILD_NODE_ARGS ?? '').split(/\s+/)
    .filter(Boolean);
}

/**
 * Forks `script` under tsx with `env` added and resolves with what it
 * reported once ready. Its stderr passes through for diagnostics.
 */
export function startChild<T>(
  script: string,
  env: Record<string, string>,
): Promise<RunningChild<T>> {
  const child = fork(script, [], {
    execArgv: ['--import', 'tsx', ...extraNodeArgs()],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} did not get ready in time`));
    }, START_DEADLINE_MS);
    const settle = () => clearTimeout(timer);

    child.once('message', (message: ChildMessage<T>) => {
      settle();
      if (message.type === 'ready') {
        resolve({ payload: message.payload, drain: drainer(child),
          stop: stopper(child) });
      } else {
        reject(new Error(`${script}: ${message.message}`));
      }
    });
    child.once('exit', (code) => {
      settle();
      reject(new Error(`${script} exited with ${code} before it was ready`));
    });
  });
}

/**
 * In the child: runs `setup`, reports its result, then answers the
 * parent's drain and stop requests. A failure is reported, then exits.
 */
export async function serveAsChild<T>(
  setup: () => Promise<ChildSetup<T>>,
): Promise<void> {
  try {
    const { payload, cleanup, drain } = await setup();

    process.on('message', async (message: { type?: string }) => {
      if (message.type === 'drain') {
        await drain?.();
        process.send!({ type: 'drained' });
      } else if (message.type === 'stop') {
        await cleanup();
        process.exit(0);
      }
    });
    process.send!({ type: 'ready', payload } satisfies ReadyMessage<T>);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);

    process.send!({ type: 'failed', message } satisfies FailedMessage, () =>
      process.exit(1));
  }
}
