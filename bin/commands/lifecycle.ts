/**
 * Signals for the long-running commands: the first SIGTERM or SIGINT asks
 * for a graceful stop, a second one while stopping exits at once.
 */

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

export type StopSignal = (typeof SIGNALS)[number];

/** Exit status after a second signal: 128 + SIGTERM's number. */
const FORCED_EXIT = 143;

/**
 * Resolves with the first stop signal. Later signals end the process, so
 * a stuck shutdown can always be cut short.
 */
export function waitForStopSignal(): Promise<StopSignal> {
  return new Promise((resolve) => {
    let received = false;

    const onSignal = (signal: StopSignal) => {
      if (received) process.exit(FORCED_EXIT);
      received = true;
      resolve(signal);
    };

    for (const signal of SIGNALS) process.on(signal, onSignal);
  });
}
