import type {
  Assignment,
  AssignmentStore,
  WebhookEvent,
} from '../../src/storage/index.js';
import type { Publish } from './catalog.js';

export class MemoryAssignments implements AssignmentStore {
  private readonly byId = new Map<string, Assignment>();

  constructor(private readonly publish: Publish) {}

  async createAssignment(
    assignment: Assignment,
    event: WebhookEvent,
  ): Promise<void> {
    this.byId.set(assignment.assignmentId, { ...assignment });
    this.publish(event);
  }

  async getAssignment(assignmentId: string): Promise<Assignment | null> {
    const found = this.byId.get(assignmentId);

    return found ? { ...found } : null;
  }
}
