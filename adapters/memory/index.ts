/**
 * The in-memory adapter: the embedded default for demos and tests. Data
 * lives in the process and is gone when it exits, so it suits one instance.
 *
 * @example
 * const storage = createMemoryStorage();
 * const lms = createLmsApi({ storage, masterKey });
 */
import type { LmsStorage } from '../../src/storage/index.js';
import { MemoryAssignments } from './assignments.js';
import { MemoryCatalog } from './catalog.js';
import { MemoryKeys } from './keys.js';
import { MemoryWebhooks } from './webhooks.js';

export interface MemoryStorage extends LmsStorage {
  catalog: MemoryCatalog;
  keys: MemoryKeys;
  assignments: MemoryAssignments;
  webhooks: MemoryWebhooks;
}

/** Creates an empty in-memory storage that implements the whole port. */
export function createMemoryStorage(): MemoryStorage {
  const webhooks = new MemoryWebhooks();
  const publish = (event: Parameters<MemoryWebhooks['publishNow']>[0]) => {
    webhooks.publishNow(event);
  };

  return {
    catalog: new MemoryCatalog(publish),
    keys: new MemoryKeys(),
    assignments: new MemoryAssignments(publish),
    webhooks,
    migrate: async () => {},
    close: async () => {},
  };
}

export { MemoryAssignments, MemoryCatalog, MemoryKeys, MemoryWebhooks };
