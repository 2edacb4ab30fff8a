/**
 * A host whose courses, learners and quiz results live in its own database
 * (existing-db.ts) serves them through the LMS API without copying: the
 * API reads them through `catalog`, while keys, assignments and webhooks
 * stay in the storage adapter.
 *
 * Run: `npx tsx examples/host-catalog/server.ts`. Environment: PORT
 * (default 3001), LMS_API_MASTER_KEY (default: a random key, printed).
 */
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

import Koa from 'koa';

import { createMemoryStorage } from '../../adapters/memory/index.js';
import {
  createLmsApi,
  type LmsApiOptions,
  type LmsStorage,
} from '../../src/index.js';
import {
  JANE,
  createExistingDatabase,
  type ExistingDatabase,
} from './existing-db.js';
import { createHostCatalog } from './host-catalog.js';

export interface HostCatalogAppOptions
  extends Omit<LmsApiOptions, 'storage' | 'catalog'> {
  /** The host's data. Default: a fresh sample database. */
  db?: ExistingDatabase;
  /** Where keys, assignments and webhooks go. Default: in memory. */
  storage?: LmsStorage;
}

/**
 * The host app: its own `/learners/:id` page and the LMS API, both over
 * the same data.
 *
 * @example
 * const { app, lms } = createHostCatalogApp({ publicUrl, masterKey });
 * app.listen(3001);
 */
export function createHostCatalogApp(options: HostCatalogAppOptions) {
  const { db = createExistingDatabase(), storage = createMemoryStorage(),
    ...lmsOptions } = options;
  const lms = createLmsApi({
    ...lmsOptions,
    storage,
    catalog: createHostCatalog(db),
  });
  const app = new Koa();

  app.use(lms.middleware());
  app.use(async function learnerPage(ctx, next) {
    const match = /^\/learners\/([^/]+)$/.exec(ctx.path);
    const learner = match && db.learners.find((l) => l.id === match[1]);

    if (!learner) return next();

    ctx.body = {
      learner,
      results: db.quizResults.filter((r) => r.learnerId === learner.id),
    };
  });

  return { app, lms, db, storage };
}

async function main(): Promise<void> {
  const port = Number(process.env.PORT ?? 3001);
  const publicUrl = `http://localhost:${port}`;
  const masterKey = process.env.LMS_API_MASTER_KEY ||
    `mk_${randomBytes(24).toString('base64url')}`;
  const { app, lms } = createHostCatalogApp({ publicUrl, masterKey });
  const { key } = await lms.keys.create({
    userId: JANE, permission: 'ReadWrite', name: 'demo',
  });
  const base = `${publicUrl}${lms.prefix}`;

  app.listen(port, () => {
    console.log(`Host with its own catalog on ${publicUrl}`);
    console.log(`Master key: ${masterKey}`);
    console.log(`Learner ${JANE}, ReadWrite key: ${key}\n`);
    console.log(`  curl -H "X-CertBoost-Key: ${masterKey}" ` +
      `"${base}/categories?includeOff=true"`);
    console.log(`  curl -H "Authorization: Bearer ${key}" ` +
      `${base}/users/${JANE}/progress`);
    console.log(`  curl -X POST ${base}/assignments -H "X-CertBoost-Key: ` +
      `${key}" -H "Content-Type: application/json" ` +
      `-d '{"userId":"${JANE}","categoryId":42}'`);
  });
}

const entry = process.argv[1] && pathToFileURL(resolve(process.argv[1])).href;

if (import.meta.url === entry) await main();
