/**
 * A pino-compatible logger for the long-running commands: one JSON object
 * a line on stderr, errors reduced to name, code and first message line so
 * a stack or SQL text never reaches the log.
 */
import type { Logger } from '../../src/index.js';
import { firstLine, rootCode } from './errors.js';
import type { Io } from './context.js';

type Level = 'error' | 'warn' | 'info';

function summarize(error: unknown): unknown {
  if (!(error instanceof Error)) return error;

  return {
    name: error.name,
    message: firstLine(error.message),
    code: rootCode(error),
  };
}

function serialize(context: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(context).map(([key, value]) =>
    [key, value instanceof Error ? summarize(value) : value]));
}

/** Writes error, warn and info to stderr; debug is dropped. */
export function createStderrLogger(io: Io): Logger {
  const write = (level: Level) => (context: object, message?: string) => {
    const line = { level, time: new Date().toISOString(), msg: message,
      ...serialize(context) };

    io.err(JSON.stringify(line));
  };

  return {
    error: write('error'),
    warn: write('warn'),
    info: write('info'),
    debug: () => undefined,
  };
}
