/**
 * `migrate`: creates the schema and tables, or brings them up to date,
 * through `storage.migrate()`.
 */
import { expectPositionals, parseCommand, type Io } from './context.js';
import { withStorage } from './database.js';
import { MIGRATE_USAGE } from './usage.js';

/** `migrate`: creates or upgrades the schema through the adapter. */
export async function migrateCommand(args: string[], io: Io): Promise<void> {
  const { values, positionals } = parseCommand(args, {}, MIGRATE_USAGE);

  if (values.help) return io.out(MIGRATE_USAGE);

  expectPositionals(positionals, [], MIGRATE_USAGE);

  const target = await withStorage(io, MIGRATE_USAGE, async (storage, t) => {
    await storage.migrate();

    return t;
  });

  io.err(`Schema "${target.schema ?? 'public'}" on ${target.display} ` +
    'is up to date.');
}
