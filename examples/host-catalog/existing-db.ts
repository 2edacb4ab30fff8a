/**
 * Stands in for a host's existing database: its own tables, its own column
 * names, its own ids. Nothing here knows about the LMS API; in a real app
 * these would be SQL tables the host has had for years.
 */

/** A course the host sells; the API calls it a category. */
export interface CourseRow {
  id: number;
  title: string;
  examCode: string;
  summary: string;
  questionBankSize: number;
  /** Retired courses are hidden unless asked for. */
  retired: boolean;
}

export interface LearnerRow {
  id: string;
  firstName: string;
  lastName: string;
  email: string;
}

/** One finished quiz; the API calls it an attempt. */
export interface QuizResultRow {
  id: number;
  learnerId: string;
  courseId: number;
  score: number;
  maxScore: number;
  mode: 'practice' | 'exam';
  /** ISO-8601 text, as many databases hand timestamps back. */
  finishedAt: string;
}

export interface ExistingDatabase {
  courses: CourseRow[];
  learners: LearnerRow[];
  quizResults: QuizResultRow[];
  /** How the host's own code records a result. */
  addQuizResult(row: Omit<QuizResultRow, 'id'>): QuizResultRow;
}

export const JANE = 'learner-1001';
export const MAX = 'learner-1002';

/** A small database with sample rows, as the host already has it. */
export function createExistingDatabase(): ExistingDatabase {
  const db: ExistingDatabase = {
    courses: [
      { id: 1, title: 'AWS Certified Solutions Architect', examCode: 'SAA-C03',
        summary: 'Designing on AWS.', questionBankSize: 420, retired: false },
      { id: 42, title: 'Azure Fundamentals', examCode: 'AZ-900',
        summary: 'Cloud concepts on Azure.', questionBankSize: 300,
        retired: false },
      { id: 7, title: 'Google Cloud Digital Leader', examCode: 'CDL',
        summary: 'Cloud for decision makers.', questionBankSize: 250,
        retired: true },
    ],
    learners: [
      { id: JANE, firstName: 'Jane', lastName: 'Doe',
        email: 'jane@acme.com' },
      { id: MAX, firstName: 'Max', lastName: 'Roe', email: 'max@acme.com' },
    ],
    quizResults: [],
    addQuizResult(row) {
      const stored = { id: db.quizResults.length + 1, ...row };

      db.quizResults.push(stored);

      return stored;
    },
  };

  db.addQuizResult({ learnerId: JANE, courseId: 42, score: 14, maxScore: 20,
    mode: 'practice', finishedAt: '2026-03-02T09:00:00Z' });
  db.addQuizResult({ learnerId: JANE, courseId: 1, score: 30, maxScore: 40,
    mode: 'exam', finishedAt: '2026-03-05T18:30:00Z' });
  db.addQuizResult({ learnerId: JANE, courseId: 42, score: 17, maxScore: 20,
    mode: 'exam', finishedAt: '2026-03-09T07:15:00Z' });

  return db;
}
