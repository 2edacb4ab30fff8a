/**
 * `npm start`: the example host app on the in-memory adapter with demo
 * data, or on PostgreSQL when DATABASE_URL is set.
 *
 * Environment: PORT (default 3000), LMS_API_MASTER_KEY (default: a random
 * key, printed), DATABASE_URL (optional) and LMS_DB_SCHEMA (its schema,
 * default public).
 */
import { randomBytes } from 'node:crypto';

import { createMemoryStorage } from '../../adapters/memory/index.js';
import type { LmsStorage } from '../../src/index.js';
import { createHostApp } from './app.js';
import { DEMO_USER_ID, seedDemoData } from './demo-data.js';

async function openStorage(): Promise<LmsStorage> {
  const url = process.env.DATABASE_URL;

  if (!url) return createMemoryStorage();

  const { createPostgresStorage } = await import(
    '../../adapters/postgres/index.js'
  );
  const storage = createPostgresStorage({
    connection: url,
    schema: process.env.LMS_DB_SCHEMA || undefined,
  });

  await storage.migrate();

  return storage;
}

const port = Number(process.env.PORT ?? 3000);
const publicUrl = process.env.PUBLIC_URL ?? `http://localhost:${port}`;
const masterKey = process.env.LMS_API_MASTER_KEY ||
  `mk_${randomBytes(24).toString('base64url')}`;
const storage = await openStorage();
const { app, lms } = createHostApp({ storage, masterKey, publicUrl });

// A database that already has a catalog keeps it as it is.
const empty = (await storage.catalog.listCategories({ includeInactive: true }))
  .length === 0;

if (empty) await seedDemoData(lms);

const { key: userKey } = await lms.keys.create({
  userId: DEMO_USER_ID,
  permission: 'ReadWrite',
  name: 'demo',
});
const server = app.listen(port, () => {
  const base = `http://localhost:${port}${lms.prefix}`;

  console.log(`Example host app listening on http://localhost:${port}`);
  console.log(`Storage: ${process.env.DATABASE_URL ? 'PostgreSQL' : 'in-memory'}`);
  console.log(`Master key: ${masterKey}`);
  console.log(`Demo user ${DEMO_USER_ID}, ReadWrite key: ${userKey}\n`);
  console.log('Try:');
  console.log(`  curl -H "X-CertBoost-Key: ${masterKey}" ${base}/categories`);
  console.log(`  curl -H "Authorization: Bearer ${userKey}" ` +
    `"${base}/users/${DEMO_USER_ID}/progress?recent=3"`);
  console.log(`  curl -X POST ${base}/assignments -H "X-CertBoost-Key: ` +
    `${masterKey}" -H "Content-Type: application/json" -d '{"userId":` +
    `"${DEMO_USER_ID}","categoryId":42,"dueAt":"2026-05-01T00:00:00Z"}'`);
});

async function shutdown() {
  server.close();
  await lms.close();
  await storage.close();
  process.exit(0);
}

process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
