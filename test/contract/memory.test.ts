import { createMemoryStorage } from '../../adapters/memory/index.js';
import { defineStorageContract } from './storage-contract.js';

defineStorageContract('memory', async () => ({
  storage: createMemoryStorage(),
}));
