/**
 * The storage the HTTP suites run on. `LMS_TEST_ADAPTER=postgres` runs them
 * on PostgreSQL: one migrated schema for the whole run, emptied before each
 * host, dropped at the end. test/run.ts sets it for its second HTTP pass.
 */
import { createMemoryStorage } from '../../adapters/memory/index.js';
import type { LmsStorage } from '../../src/index.js';
import { onCleanup } from './cleanup.js';
import { createTestStorage, type TestStorage } from './postgres.js';

let shared: Promise<TestStorage> | null = null;

export const testAdapter =
  process.env.LMS_TEST_ADAPTER === 'postgres' ? 'postgres' : 'memory';

function sharedPostgres(): Promise<TestStorage> {
  if (!shared) {
    shared = createTestStorage();
    onCleanup(async () => (await shared!).teardown());
  }

  return shared;
}

async function emptyPostgres(): Promise<LmsStorage> {
  const { storage } = await sharedPostgres();
  const tables = Object.values(storage.tables).join(', ');

  await storage.knex.raw(`truncate ${tables} cascade`);

  // Suites may close their storage; the shared pool stays open for the next.
  return { ...storage, close: async () => {} };
}

/** A fresh, empty storage on the adapter this run tests. */
export function freshStorage(): Promise<LmsStorage> {
  if (testAdapter === 'postgres') return emptyPostgres();

  return Promise.resolve(createMemoryStorage());
}
