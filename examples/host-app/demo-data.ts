import type { LmsApi } from '../../src/index.js';

export const DEMO_USER_ID = '60a1c2d3e4f5a6b7c8d9e0e8';
export const OTHER_USER_ID = '60a1c2d3e4f5a6b7c8d9e0f1';

const CATEGORIES = [
  [1, 'AWS Certified Solutions Architect', 'AWS-ARCH', 420],
  [2, 'AWS Certified Developer', 'AWS-DEV', 380],
  [42, 'Azure Fundamentals', 'AZ-900', 300],
  [43, 'Azure Administrator', 'AZ-104', 350],
  [7, 'Google Cloud Digital Leader', 'GCP-CDL', 250],
] as const;

/** Seeds a small catalog: five categories (one inactive) and two users. */
export async function seedDemoData(lms: LmsApi): Promise<void> {
  for (const [categoryId, name, code, questionCount] of CATEGORIES) {
    await lms.categories.upsert({
      categoryId,
      name,
      code,
      description: `Practice questions for ${name}.`,
      questionCount,
      isActive: categoryId !== 7,
    });
  }

  await lms.users.upsert({
    userId: DEMO_USER_ID,
    fullName: 'Jane Doe',
    email: 'jane@acme.com',
  });
  await lms.users.upsert({
    userId: OTHER_USER_ID,
    fullName: 'Max Roe',
    email: 'max@acme.com',
  });

  const day = 24 * 60 * 60 * 1000;
  const scores = [[42, 14], [42, 16], [1, 12], [42, 18], [1, 17]] as const;

  for (const [index, [categoryId, correct]] of scores.entries()) {
    await lms.attempts.record({
      userId: DEMO_USER_ID,
      categoryId,
      correct,
      total: 20,
      source: index % 2 ? 'simulation-exam' : 'practice',
      completedAt: new Date(Date.now() - (scores.length - index) * day),
    });
  }
}
