/**
 * `keys create|list|deactivate`: API key administration through
 * `lms.keys`, so keys made here are exactly what the API accepts.
 */
import type { ApiKey, LmsApi, Permission } from '../../src/index.js';
import { PERMISSIONS } from '../../src/storage/index.js';
import { expectPositionals, parseCommand, type Io } from './context.js';
import { withStorage, type PostgresStorage } from './database.js';
import { CommandError, UsageError } from './errors.js';
import {
  KEYS_CREATE_USAGE,
  KEYS_DEACTIVATE_USAGE,
  KEYS_LIST_USAGE,
  KEYS_USAGE,
} from './usage.js';

type KeyAdmin = LmsApi['keys'];

/** Runs `work` with `lms.keys` over the environment's storage. */
function withKeys<T>(
  io: Io,
  usage: string,
  work: (keys: KeyAdmin) => Promise<T>,
): Promise<T> {
  return withStorage(io, usage, async (storage: PostgresStorage) => {
    const { createLmsApi } = await import('../../src/index.js');
    // Only key administration runs here: the URL appears in no output, and
    // webhook delivery is left to `serve` and `worker`.
    const lms = createLmsApi({ storage, publicUrl: 'http://localhost',
      webhooks: { dispatch: false } });

    try {
      return await work(lms.keys);
    } finally {
      await lms.close();
    }
  });
}

function required(value: string | undefined, flag: string, usage: string) {
  if (value === undefined || value.trim() === '') {
    throw new UsageError(`Missing ${flag}.`, usage);
  }

  return value.trim();
}

/** Case-insensitive, so `readonly` works; the canonical name is kept. */
function parsePermission(value: string | undefined): Permission {
  const given = required(value, '--permission', KEYS_CREATE_USAGE);
  const match = PERMISSIONS.find((p) => p.toLowerCase() === given.toLowerCase());

  if (!match) {
    throw new UsageError(
      `--permission must be one of ${PERMISSIONS.join(', ')}.`,
      KEYS_CREATE_USAGE,
    );
  }

  return match;
}

/** A date (midnight UTC) or an instant with a zone; never a local time. */
const ISO_INSTANT =
  /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2}))?$/i;

function parseExpiry(value: string | undefined, now: Date): Date | null {
  if (value === undefined) return null;

  const date = ISO_INSTANT.test(value) ? new Date(value) : null;

  if (!date || Number.isNaN(date.getTime())) {
    throw new UsageError('--expires must be an ISO-8601 date or instant ' +
      'with a time zone, e.g. 2027-01-31T00:00:00Z.', KEYS_CREATE_USAGE);
  }
  if (date <= now) {
    throw new UsageError('--expires must be in the future.', KEYS_CREATE_USAGE);
  }

  return date;
}

function instant(date: Date | null): string | null {
  return date && date.toISOString().replace(/\.000Z$/, 'Z');
}

async function createKey(args: string[], io: Io): Promise<void> {
  const usage = KEYS_CREATE_USAGE;
  const { values, positionals } = parseCommand(args, {
    user: { type: 'string' },
    permission: { type: 'string' },
    name: { type: 'string' },
    expires: { type: 'string' },
    json: { type: 'boolean' },
  }, usage);

  if (values.help) return io.out(usage);

  expectPositionals(positionals, [], usage);

  const input = {
    userId: required(values.user, '--user', usage),
    permission: parsePermission(values.permission),
    name: values.name?.trim() ?? '',
    expiresAt: parseExpiry(values.expires, new Date()),
  };
  const { key, apiKey } = await withKeys(io, usage, (keys) =>
    keys.create(input));

  if (values.json) {
    io.out(JSON.stringify({ key, ...jsonKey(apiKey) }));
  } else {
    io.out(key);
    io.out(apiKey.keyId);
  }
  io.err(`Created ${apiKey.permission} key ${apiKey.keyId} for user ` +
    `${apiKey.userId}. Store the key now: it cannot be shown again.`);
}

function jsonKey(key: ApiKey) {
  return {
    ...key,
    createdAt: instant(key.createdAt),
    lastUsedAt: instant(key.lastUsedAt),
    expiresAt: instant(key.expiresAt),
  };
}

const COLUMNS: [string, (key: ApiKey) => string][] = [
  ['KEY ID', (k) => k.keyId],
  ['NAME', (k) => k.name || '-'],
  ['PERMISSION', (k) => k.permission],
  ['ACTIVE', (k) => (k.isActive ? 'yes' : 'no')],
  ['CREATED', (k) => instant(k.createdAt) ?? '-'],
  ['LAST USED', (k) => instant(k.lastUsedAt) ?? 'never'],
  ['EXPIRES', (k) => instant(k.expiresAt) ?? 'never'],
];

/** Left-aligned columns two spaces apart, header first. */
export function formatTable(keys: ApiKey[]): string {
  const rows = [
    COLUMNS.map(([title]) => title),
    ...keys.map((key) => COLUMNS.map(([, cell]) => cell(key))),
  ];
  const widths = COLUMNS.map((_, i) =>
    Math.max(...rows.map((row) => row[i]!.length)));

  return rows
    .map((row) => row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ')
      .trimEnd())
    .join('\n');
}

async function listKeys(args: string[], io: Io): Promise<void> {
  const usage = KEYS_LIST_USAGE;
  const { values, positionals } = parseCommand(args, {
    user: { type: 'string' },
    json: { type: 'boolean' },
  }, usage);

  if (values.help) return io.out(usage);

  expectPositionals(positionals, [], usage);

  const userId = required(values.user, '--user', usage);
  const keys = await withKeys(io, usage, (admin) => admin.list(userId));

  if (values.json) return io.out(JSON.stringify(keys.map(jsonKey), null, 2));
  if (keys.length === 0) return io.err(`User ${userId} has no API keys.`);

  io.out(formatTable(keys));
}

async function deactivateKey(args: string[], io: Io): Promise<void> {
  const usage = KEYS_DEACTIVATE_USAGE;
  const { values, positionals } = parseCommand(args, {}, usage);

  if (values.help) return io.out(usage);

  expectPositionals(positionals, ['KEY_ID'], usage);

  const keyId = positionals[0]!;
  const found = await withKeys(io, usage, (keys) => keys.deactivate(keyId));

  if (!found) throw new CommandError(`No API key has the id ${keyId}.`);

  io.err(`Deactivated key ${keyId}.`);
}

const SUBCOMMANDS: Record<string, (args: string[], io: Io) => Promise<void>> = {
  create: createKey,
  list: listKeys,
  deactivate: deactivateKey,
};

/** `keys <subcommand>`: dispatches to create, list or deactivate. */
export async function keysCommand(args: string[], io: Io): Promise<void> {
  const [name, ...rest] = args;

  if (name === '-h' || name === '--help') return io.out(KEYS_USAGE);
  if (name === undefined) {
    throw new UsageError('Missing subcommand.', KEYS_USAGE);
  }

  const run = Object.hasOwn(SUBCOMMANDS, name) ? SUBCOMMANDS[name] : undefined;

  if (!run) throw new UsageError(`Unknown subcommand: keys ${name}`, KEYS_USAGE);

  await run(rest, io);
}
