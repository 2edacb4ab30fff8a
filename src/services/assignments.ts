import { forbidden, notFound } from '../errors.js';
import { newId } from '../ids.js';
import type {
  Assignment,
  AssignmentStore,
  CatalogReader,
  WebhookEvent,
} from '../storage/index.js';
import { canActFor, type Caller } from './auth/authenticator.js';
import { viewAssignment, type AssignmentView } from './views.js';

export interface NewAssignmentInput {
  userId: string;
  categoryId: number;
  dueAt?: Date | null;
  note?: string | null;
}

export interface AssignmentServiceOptions {
  catalog: CatalogReader;
  assignments: AssignmentStore;
  launchUrl: (assignment: Assignment) => string;
  now: () => Date;
}

/**
 * Creates assignments: checks the caller may act for the user and that
 * the user and category exist, then stores the assignment together with
 * its `assignment.created` event.
 */
export function createAssignmentService(options: AssignmentServiceOptions) {
  async function assertReferences(input: NewAssignmentInput) {
    const [user, category] = await Promise.all([
      options.catalog.getUser(input.userId),
      options.catalog.getCategory(input.categoryId),
    ]);

    if (!user) throw notFound('Unknown userId.');
    if (!category) throw notFound('Unknown categoryId.');
  }

  return async function createAssignment(
    caller: Caller,
    input: NewAssignmentInput,
  ): Promise<AssignmentView> {
    if (!canActFor(caller, input.userId)) {
      throw forbidden('This key may only create assignments for its own user.');
    }

    await assertReferences(input);

    const now = options.now();
    const assignment: Assignment = {
      assignmentId: newId('asn'),
      userId: input.userId,
      categoryId: input.categoryId,
      dueAt: input.dueAt ?? null,
      note: input.note ?? null,
      createdAt: now,
    };
    const view = viewAssignment(assignment, options.launchUrl(assignment));
    const event: WebhookEvent = {
      eventId: newId('evt'),
      type: 'assignment.created',
      userId: assignment.userId,
      timestamp: now,
      data: view,
    };

    await options.assignments.createAssignment(assignment, event);

    return view;
  };
}
