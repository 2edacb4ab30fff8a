import type { createAssignmentService } from '../services/assignments.js';
import { Assignment, NewAssignment } from './schemas.js';
import { defineRoute, type RouteSpec } from './route.js';

type CreateAssignment = ReturnType<typeof createAssignmentService>;

export function assignmentRoutes(create: CreateAssignment): RouteSpec[] {
  return [
    defineRoute({
      method: 'POST',
      path: '/assignments',
      permission: 'ReadWrite',
      description: 'New assignment',
      tag: 'Assignments',
      body: NewAssignment,
      errors: [404],
      responses: {
        201: { description: 'The assignment was created.', schema: Assignment },
      },
      async handle({ body, caller }) {
        const assignment = await create(caller, {
          userId: body.userId,
          categoryId: body.categoryId,
          dueAt: body.dueAt ? new Date(body.dueAt) : null,
          note: body.note ?? null,
        });

        return { status: 201, body: assignment };
      },
    }),
  ];
}
