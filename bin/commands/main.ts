/**
 * The command line's dispatch and exit statuses, apart from the entry
 * point so it can be driven with an injected Io.
 */
import { processIo, trace, type Io } from './context.js';
import {
  CommandError,
  EXIT_FAILURE,
  EXIT_USAGE,
  firstLine,
  UsageError,
} from './errors.js';
import { PROGRAM, PROGRAM_USAGE } from './usage.js';

type Command = (args: string[], io: Io) => Promise<void>;

/** Loaded on use, so `--help` starts without koa, knex or pg. */
const COMMANDS: Record<string, () => Promise<Command>> = {
  migrate: async () => (await import('./migrate.js')).migrateCommand,
  keys: async () => (await import('./keys.js')).keysCommand,
  serve: async () => (await import('./serve.js')).serveCommand,
  worker: async () => (await import('./worker.js')).workerCommand,
};

async function dispatch(argv: string[], io: Io): Promise<void> {
  const [name, ...args] = argv;

  if (name === '-h' || name === '--help') return io.out(PROGRAM_USAGE);
  if (name === undefined) throw new UsageError('Missing command.', PROGRAM_USAGE);

  const load = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;

  if (!load) throw new UsageError(`Unknown command: ${name}`, PROGRAM_USAGE);

  const command = await load();

  await command(args, io);
}

/** Writes the failure to stderr and returns the exit status it means. */
function report(error: unknown, io: Io): number {
  if (error instanceof UsageError) {
    io.err(`${PROGRAM}: ${error.message}\n\n${error.usage}`);

    return EXIT_USAGE;
  }

  trace('command failed: %O', error);

  const message = error instanceof Error ? error.message : String(error);
  const hint = error instanceof CommandError
    ? ''
    : ` (DEBUG=${PROGRAM}:cli shows details)`;

  io.err(`${PROGRAM}: ${firstLine(message)}${hint}`);

  return EXIT_FAILURE;
}

/**
 * Runs the command line `argv` (without node and the script) and returns
 * the exit status: 0, 1 when the command failed, 2 for bad usage.
 *
 * @example
 * process.exitCode = await main(['keys', 'list', '--user', 'u1']);
 */
export async function main(
  argv: string[],
  io: Io = processIo(),
): Promise<number> {
  try {
    await dispatch(argv, io);

    return 0;
  } catch (error) {
    return report(error, io);
  }
}
