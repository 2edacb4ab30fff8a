/**
 * The two ways a command fails, and how each reaches the operator: a
 * usage error is the caller's mistake (exit 2, with the usage text), a
 * command error is the world's (exit 1, one line).
 */
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** Bad arguments or environment: exit 2 and show `usage`. */
export class UsageError extends Error {
  override name = 'UsageError';

  constructor(
    message: string,
    readonly usage: string,
  ) {
    super(message);
  }
}

/** The command ran but could not do its job: exit 1, message only. */
export class CommandError extends Error {
  override name = 'CommandError';
}

interface ErrorLike {
  code?: unknown;
  cause?: unknown;
  errors?: unknown;
}

/**
 * The first socket or SQLSTATE code in the error's cause chain, such as
 * ECONNREFUSED or 3D000. Codes only: messages may carry SQL text.
 */
export function rootCode(error: unknown, depth = 0): string | undefined {
  if (typeof error !== 'object' || error === null || depth > 6) return;

  const { code, cause, errors } = error as ErrorLike;

  if (typeof code === 'string' && code) return code;

  const inner = Array.isArray(errors) ? errors : [];

  for (const candidate of [cause, ...inner]) {
    const found = rootCode(candidate, depth + 1);

    if (found) return found;
  }

  return undefined;
}

/** What the database failure means, in one line naming the target. */
export function describeStorageFailure(
  error: unknown,
  target: string,
): string {
  const code = rootCode(error);
  const reason = code ? ` (${code})` : '';

  return `cannot reach the database at ${target}${reason}`;
}

/** Only the first line: driver messages can run on with SQL or hints. */
export function firstLine(text: string): string {
  return text.split('\n', 1)[0] ?? '';
}
