import { forbidden, notFound } from '../errors.js';
import { canActFor } from '../services/auth/authenticator.js';
import { readProgress } from '../services/progress.js';
import type { CatalogReader } from '../storage/index.js';
import { Progress, ProgressQuery, UserParams } from './schemas.js';
import { defineRoute, type RouteSpec } from './route.js';

export function progressRoutes(catalog: CatalogReader): RouteSpec[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/users/{userId}/progress',
      permission: 'ReadOnly',
      description: 'User stats',
      tag: 'Progress',
      params: UserParams,
      query: ProgressQuery,
      errors: [404],
      responses: {
        200: {
          description: 'Attempts newest first and per-category averages.',
          schema: Progress,
        },
      },
      async handle({ params, query, caller }) {
        if (!canActFor(caller, params.userId)) {
          throw forbidden("This key may only read its own user's progress.");
        }

        const progress = await readProgress(catalog, params.userId, {
          recent: query.recent,
          fromUtc: query.fromUtc ? new Date(query.fromUtc) : undefined,
        });

        if (!progress) throw notFound('Unknown userId.');

        return { status: 200, body: progress };
      },
    }),
  ];
}
