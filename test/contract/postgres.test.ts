/**
 * The storage contract against PostgreSQL, once with a pool the adapter
 * owns and once with a host's knex instance, since the two run their
 * statements differently (the latter wraps each call in a transaction).
 */
import {
  createHostKnex,
  createTestStorage,
  describePostgres,
} from '../support/postgres.js';
import { defineStorageContract } from './storage-contract.js';

await describePostgres(() => {
  defineStorageContract('postgres', () => createTestStorage());

  defineStorageContract('postgres (host knex)', async () => {
    const hostKnex = createHostKnex();
    const { storage, teardown } = await createTestStorage({ hostKnex });

    return {
      storage,
      // Teardown queries through the host knex after close(): it must
      // still be usable, since the adapter does not own it.
      teardown: async () => {
        await teardown();
        await hostKnex.destroy();
      },
    };
  });
});
