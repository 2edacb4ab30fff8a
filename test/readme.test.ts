import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

import { test } from 'uvu';

import {
  README,
  endpointTable,
  readmeTable,
} from '../scripts/endpoint-table.js';

test('the README endpoint table matches the routes served', async () => {
  const table = readmeTable(readFileSync(README, 'utf8'));

  assert.equal(table, await endpointTable(),
    'README.md is stale: run npm run readme:endpoints');
});

test.run();
