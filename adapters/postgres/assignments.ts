/**
 * Assignments. The user and category are not checked here: the service
 * checks them through the catalog reader, which may be the host's tables.
 */
import type {
  Assignment,
  AssignmentStore,
  WebhookEvent,
} from '../../src/storage/index.js';
import { select, type Db } from './db.js';
import { publish } from './outbox.js';
import { toDate, toOptionalDate } from './rows.js';

interface AssignmentRow {
  assignment_id: string;
  user_id: string;
  category_id: number;
  due_at: Date | string | null;
  note: string | null;
  created_at: Date | string;
}

const COLUMNS =
  'assignment_id, user_id, category_id, due_at, note, created_at';

function toAssignment(row: AssignmentRow): Assignment {
  return {
    assignmentId: row.assignment_id,
    userId: row.user_id,
    categoryId: row.category_id,
    dueAt: toOptionalDate(row.due_at),
    note: row.note,
    createdAt: toDate(row.created_at),
  };
}

/** AssignmentStore on PostgreSQL. */
export class PostgresAssignments implements AssignmentStore {
  constructor(private readonly db: Db) {}

  /** The assignment and its outbox entries commit in one statement. */
  async createAssignment(
    assignment: Assignment,
    event: WebhookEvent,
  ): Promise<void> {
    const { names } = this.db;
    const insert = `assignment as (
      insert into ${names.table.assignments} (${COLUMNS})
      values (?, ?, ?, ?, ?, ?))`;

    await this.db.run((q) => publish(q, names, event, {
      ctes: [insert],
      bindings: [
        assignment.assignmentId,
        assignment.userId,
        assignment.categoryId,
        assignment.dueAt,
        assignment.note,
        assignment.createdAt,
      ],
    }));
  }

  async getAssignment(assignmentId: string): Promise<Assignment | null> {
    const [row] = await this.db.run((q) => select<AssignmentRow>(q, `
      select ${COLUMNS} from ${this.db.names.table.assignments}
       where assignment_id = ?`, [assignmentId]));

    return row ? toAssignment(row) : null;
  }
}
