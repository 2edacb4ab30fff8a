/**
 * Wire shapes shared by HTTP responses and webhook payloads, so an
 * assignment looks the same in both.
 */
import type { Assignment, AttemptView } from '../storage/index.js';

/**
 * ISO-8601 in UTC to the second, as the API reference writes instants:
 * `2026-04-19T23:45:11Z`.
 */
export function formatInstant(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Rounds to one decimal, half away from zero. */
export function roundPercent(value: number): number {
  return Math.round((value + Number.EPSILON) * 10) / 10;
}

export interface AssignmentView {
  assignmentId: string;
  userId: string;
  categoryId: number;
  dueAt: string | null;
  note: string | null;
  createdAt: string;
  launchUrl: string;
}

export function viewAssignment(
  assignment: Assignment,
  launchUrl: string,
): AssignmentView {
  return {
    assignmentId: assignment.assignmentId,
    userId: assignment.userId,
    categoryId: assignment.categoryId,
    dueAt: assignment.dueAt && formatInstant(assignment.dueAt),
    note: assignment.note,
    createdAt: formatInstant(assignment.createdAt),
    launchUrl,
  };
}

export function viewAttempt(attempt: AttemptView) {
  return {
    attemptId: attempt.attemptId,
    userId: attempt.userId,
    categoryId: attempt.categoryId,
    categoryName: attempt.categoryName,
    correct: attempt.correct,
    total: attempt.total,
    percent: roundPercent((attempt.correct / attempt.total) * 100),
    source: attempt.source,
    completedAt: formatInstant(attempt.completedAt),
  };
}
