/**
 * The CertBoost LMS API from TypeScript with the typed client.
 *
 *   BASE_URL  the API root, e.g. http://localhost:3000/api/lms/v1
 *   CB_KEY    an API key (ReadWrite for the assignment)
 *   USER_ID   the learner
 *
 * Run: npx tsx examples/samples/node-client.ts
 * In your app, import from 'certboost-lms-api/client' instead.
 */
import { createLmsClient, LmsApiError } from '../../client/index.js';

const { BASE_URL, CB_KEY, USER_ID } = process.env;

if (!BASE_URL || !CB_KEY || !USER_ID) {
  console.error('Set BASE_URL, CB_KEY and USER_ID.');
  process.exit(2);
}

const lms = createLmsClient({ baseUrl: BASE_URL, key: CB_KEY });

async function main(userId: string): Promise<void> {
  const directory = await lms.directory();

  console.log(`Directory: ${directory.service} ${directory.version}, ` +
    `${directory.endpoints.length} endpoints, docs at ${directory.docs}`);

  const categories = await lms.listCategories({ search: 'aws' });

  console.log('Categories matching "aws": ' +
    categories.map((c) => `${c.code} (${c.name})`).join(', '));

  const progress = await lms.getProgress(userId, { recent: 10 });

  console.log(`Progress of ${progress.fullName}: ` +
    `${progress.attempts.length} recent attempts`);

  const assignment = await lms.createAssignment({
    userId,
    categoryId: 42,
    dueAt: new Date('2026-05-01T00:00:00Z'),
  });

  console.log(`Assignment ${assignment.assignmentId} due ${assignment.dueAt}`);
  console.log(`Launch URL: ${assignment.launchUrl}`);
}

try {
  await main(USER_ID);
} catch (error) {
  if (!(error instanceof LmsApiError)) throw error;

  const wait = error.retryAfterSeconds === undefined
    ? ''
    : ` (retry after ${error.retryAfterSeconds} s)`;

  console.error(`HTTP ${error.status}: ${error.message}${wait}`);
  process.exitCode = 1;
}
