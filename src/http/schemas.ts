/**
 * The API's shapes, written once: they validate requests, type the
 * handlers and generate the OpenAPI document.
 */
import { FormatRegistry, Type, type Static } from '@sinclair/typebox';

import { EVENT_TYPES, PERMISSIONS } from '../storage/index.js';

/** An ISO-8601 instant with a time zone, e.g. `2026-05-01T00:00:00Z`. */
const INSTANT = new RegExp(
  '^\\d{4}-\\d{2}-\\d{2}T([01]\\d|2[0-3]):[0-5]\\d(:[0-5]\\d(\\.\\d{1,9})?)?' +
    '(Z|[+-]\\d{2}:?\\d{2})$',
  'i',
);

/** Date.parse rolls 2026-02-30 over to March 2 instead of refusing it. */
function isCalendarDate(value: string): boolean {
  const [year, month, day] = value.slice(0, 10).split('-').map(Number);
  const date = new Date(Date.UTC(2000, month - 1, day));

  date.setUTCFullYear(year);

  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

export function isInstant(value: string): boolean {
  return INSTANT.test(value) && isCalendarDate(value) &&
    !Number.isNaN(Date.parse(value));
}

FormatRegistry.Set('date-time', isInstant);

const Id = (description: string) =>
  Type.String({ minLength: 1, maxLength: 128, pattern: '\\S', description });

const Instant = (description: string) =>
  Type.String({ format: 'date-time', description });

const CategoryId = Type.Integer({
  minimum: 1,
  maximum: 2_147_483_647,
  description: 'Category id.',
});

export const ErrorBody = Type.Object(
  { error: Type.String({ description: 'What went wrong.' }) },
  { $id: 'Error', description: 'Every non-2xx response.' },
);

export const Endpoint = Type.Object({
  method: Type.String(),
  path: Type.String(),
  permission: Type.String(),
  description: Type.String(),
});

export const Directory = Type.Object(
  {
    service: Type.String(),
    version: Type.Literal('v1'),
    docs: Type.String({ description: 'URL of the human docs page.' }),
    endpoints: Type.Array(Endpoint),
  },
  { $id: 'Directory' },
);

export const Category = Type.Object(
  {
    categoryId: Type.Integer(),
    name: Type.String(),
    code: Type.String(),
    description: Type.String(),
    questionCount: Type.Integer({ minimum: 0 }),
    isActive: Type.Boolean(),
  },
  { $id: 'Category' },
);

export const CategoryQuery = Type.Object(
  {
    search: Type.Optional(
      Type.String({
        maxLength: 200,
        description: 'Case-insensitive substring of the name or code.',
      }),
    ),
    includeOff: Type.Optional(
      Type.Boolean({ description: 'Include inactive categories too.' }),
    ),
  },
  { additionalProperties: false },
);

export const UserParams = Type.Object({ userId: Id('The user.') });

export const ProgressQuery = Type.Object(
  {
    recent: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 100_000,
        description: 'Only the N newest attempts; averages are not trimmed.',
      }),
    ),
    fromUtc: Type.Optional(
      Instant('Only attempts completed at or after this instant.'),
    ),
  },
  { additionalProperties: false },
);

export const Attempt = Type.Object(
  {
    attemptId: Type.String(),
    categoryId: Type.Integer(),
    categoryName: Type.String(),
    correct: Type.Integer(),
    total: Type.Integer(),
    percent: Type.Number({ description: 'correct / total, to 1 decimal.' }),
    source: Type.String(),
    completedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'Attempt' },
);

export const CategoryAverage = Type.Object(
  {
    categoryId: Type.Integer(),
    categoryName: Type.String(),
    attempts: Type.Integer(),
    averagePercent: Type.Number({
      description: "Mean of the attempts' percents, to 1 decimal.",
    }),
  },
  { $id: 'CategoryAverage' },
);

export const Progress = Type.Object(
  {
    userId: Type.String(),
    fullName: Type.String(),
    email: Type.String(),
    attempts: Type.Array(Attempt),
    categoryAverages: Type.Array(CategoryAverage),
  },
  { $id: 'Progress' },
);

export const NewAssignment = Type.Object(
  {
    userId: Id('The learner to assign to.'),
    categoryId: CategoryId,
    dueAt: Type.Optional(
      Type.Union([Instant('When it is due.'), Type.Null()]),
    ),
    note: Type.Optional(
      Type.Union([Type.String({ maxLength: 2000 }), Type.Null()]),
    ),
  },
  { additionalProperties: false, $id: 'NewAssignment' },
);

export const Assignment = Type.Object(
  {
    assignmentId: Type.String(),
    userId: Type.String(),
    categoryId: Type.Integer(),
    dueAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    note: Type.Union([Type.String(), Type.Null()]),
    createdAt: Type.String({ format: 'date-time' }),
    launchUrl: Type.String(),
  },
  { $id: 'Assignment' },
);

export const PermissionName = Type.Union(
  PERMISSIONS.map((p) => Type.Literal(p)),
);

export const EventTypeName = Type.Union(
  EVENT_TYPES.map((e) => Type.Literal(e)),
);

export type AssignmentBody = Static<typeof Assignment>;
export type ProgressBody = Static<typeof Progress>;
export type CategoryBody = Static<typeof Category>;

/** An id in a path or body, for the schema modules of other routes. */
export { Id as IdString };
