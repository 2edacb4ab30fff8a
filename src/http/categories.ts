import { Type } from '@sinclair/typebox';

import type { CatalogReader } from '../storage/index.js';
import { Category, CategoryQuery } from './schemas.js';
import { defineRoute, type RouteSpec } from './route.js';

export function categoryRoutes(catalog: CatalogReader): RouteSpec[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/categories',
      permission: 'ReadOnly',
      description: 'List certifications',
      tag: 'Categories',
      query: CategoryQuery,
      responses: {
        200: {
          description: 'Categories ordered by name; active ones only ' +
            'unless includeOff=true.',
          schema: Type.Array(Category),
        },
      },
      async handle({ query }) {
        const categories = await catalog.listCategories({
          search: query.search || undefined,
          includeInactive: query.includeOff === true,
        });

        return { status: 200, body: categories };
      },
    }),
  ];
}
