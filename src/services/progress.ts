import type { CatalogReader, ProgressQuery } from '../storage/index.js';
import { roundPercent, viewAttempt } from './views.js';

/** A user's progress as `GET /users/{userId}/progress` returns it. */
export async function readProgress(
  catalog: CatalogReader,
  userId: string,
  query: ProgressQuery,
) {
  // Both reads at once: an unknown user is rare, a round trip is not.
  const [user, { attempts, tallies }] = await Promise.all([
    catalog.getUser(userId),
    catalog.readProgress(userId, query),
  ]);

  if (!user) return null;

  return {
    userId: user.userId,
    fullName: user.fullName,
    email: user.email,
    attempts: attempts.map((attempt) => {
      const { userId: _owner, ...view } = viewAttempt(attempt);

      return view;
    }),
    categoryAverages: tallies.map((tally) => ({
      categoryId: tally.categoryId,
      categoryName: tally.categoryName,
      attempts: tally.attempts,
      averagePercent: roundPercent(tally.percentSum / tally.attempts),
    })),
  };
}
