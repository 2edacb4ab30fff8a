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

/**
 * Rounds a percent to one decimal, half up. Binary floating point puts
 * some exact halves just below the boundary (23/80 × 100 is
 * 28.749999999999996), so the tenths are first snapped to 9 decimals,
 * far below any real difference between percents and far above float
 * noise at this magnitude.
 */
export function roundPercent(value: number): number {
  const tenths = Math.round(value * 1e10) / 1e9;

  return Math.round(tenths) / 10;
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
