/**
 * What every command gets: its output streams, the environment, and
 * argument parsing that turns mistakes into usage errors.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

import createDebug from 'debug';

import { UsageError } from './errors.js';

export const trace = createDebug('certboost-lms-api:cli');

/** Where a command writes and what it reads; injected for tests. */
export interface Io {
  readonly env: NodeJS.ProcessEnv;
  /** One line (or block) of results on stdout. */
  out(text: string): void;
  /** One line (or block) of notes on stderr. */
  err(text: string): void;
}

/** The process's own streams and environment. */
export function processIo(): Io {
  return {
    env: process.env,
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
  };
}

type Options = NonNullable<ParseArgsConfig['options']>;

const HELP = { help: { type: 'boolean', short: 'h' } } as const;

/** What parseArgs returns for a command with `options` (and help). */
type Parsed<O extends Options> = ReturnType<typeof parseArgs<{
  args: string[];
  options: O & typeof HELP;
  allowPositionals: true;
  strict: true;
}>>;

/** The part of a parseArgs message before its long hint, if any. */
function shortParseMessage(message: string): string {
  return message.split('. To specify a positional')[0] ?? message;
}

/**
 * Parses a command's arguments strictly, with `-h/--help` always known.
 * Anything parseArgs rejects becomes a UsageError carrying `usage`.
 */
export function parseCommand<const O extends Options>(
  args: string[],
  options: O,
  usage: string,
): Parsed<O> {
  try {
    return parseArgs({
      args,
      options: { ...options, ...HELP },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(shortParseMessage((error as Error).message), usage);
  }
}

/** Throws a usage error unless there is one positional per name. */
export function expectPositionals(
  positionals: string[],
  names: string[],
  usage: string,
): void {
  if (positionals.length > names.length) {
    const extra = positionals.slice(names.length).join(' ');

    throw new UsageError(`Unexpected argument: ${extra}`, usage);
  }
  if (positionals.length < names.length) {
    throw new UsageError(`Missing ${names[positionals.length]}.`, usage);
  }
}

const TRUE_WORDS = new Set(['1', 'true', 'yes', 'on']);
const FALSE_WORDS = new Set(['', '0', 'false', 'no', 'off']);

function readFlag(env: NodeJS.ProcessEnv, name: string, usage: string) {
  const value = (env[name] ?? '').trim().toLowerCase();

  if (TRUE_WORDS.has(value)) return true;
  if (FALSE_WORDS.has(value)) return false;

  throw new UsageError(`${name} must be true or false.`, usage);
}

/** Exceptions to the webhook SSRF guard, for development setups only. */
export function readNetworkPolicy(env: NodeJS.ProcessEnv, usage: string) {
  return {
    allowHttp: readFlag(env, 'LMS_WEBHOOKS_ALLOW_HTTP', usage),
    allowPrivateNetworks:
      readFlag(env, 'LMS_WEBHOOKS_ALLOW_PRIVATE_NETWORKS', usage),
  };
}
