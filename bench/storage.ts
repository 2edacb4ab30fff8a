/**
 * The storage a benchmark child runs on: memory, or PostgreSQL in the
 * schema the parent made for it (DATABASE_URL, BENCH_SCHEMA), migrated.
 */
import { createMemoryStorage } from '../adapters/memory/index.js';
import { createPostgresStorage } from '../adapters/postgres/index.js';
import type { LmsStorage } from '../src/index.js';

export async function openBenchStorage(adapter: string): Promise<LmsStorage> {
  if (adapter !== 'postgres') return createMemoryStorage();

  const storage = createPostgresStorage({
    connection: process.env.DATABASE_URL!,
    schema: process.env.BENCH_SCHEMA!,
  });

  await storage.migrate();

  return storage;
}
