/**
 * Resolves with `promise`, or rejects once `ms` have passed without it
 * settling, so a hang fails the test instead of stalling the run. A
 * watchdog only: no test asserts on elapsed time.
 */
export async function within<T>(
  promise: Promise<T>,
  ms: number,
  what = 'answer',
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no ${what} in ${ms} ms`)), ms);
  });

  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}
