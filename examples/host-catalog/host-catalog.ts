/**
 * The host's side of the split port: a CatalogReader over the tables in
 * existing-db.ts. Each method maps the host's rows to the API's records;
 * with SQL, each would be one query on the host's own tables.
 */
import type {
  AttemptView,
  CatalogReader,
  Category,
  CategoryTally,
  ProgressQuery,
  User,
} from '../../src/index.js';
import type {
  CourseRow,
  ExistingDatabase,
  LearnerRow,
  QuizResultRow,
} from './existing-db.js';

function toCategory(course: CourseRow): Category {
  return {
    categoryId: course.id,
    name: course.title,
    code: course.examCode,
    description: course.summary,
    questionCount: course.questionBankSize,
    isActive: !course.retired,
  };
}

function toUser(learner: LearnerRow): User {
  return {
    userId: learner.id,
    fullName: `${learner.firstName} ${learner.lastName}`,
    email: learner.email,
  };
}

/** The port's order: by name, then categoryId. */
function byName(a: Category, b: Category): number {
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;

  return a.categoryId - b.categoryId;
}

/** Newest first; the higher id wins a tie, so the order is stable. */
function newestFirst(a: QuizResultRow, b: QuizResultRow): number {
  return Date.parse(b.finishedAt) - Date.parse(a.finishedAt) || b.id - a.id;
}

function percentOf(result: QuizResultRow): number {
  return (result.score / result.maxScore) * 100;
}

/** Per-course count and sum of unrounded percents, by course id. */
function tally(
  results: QuizResultRow[],
  nameOf: (id: number) => string,
): CategoryTally[] {
  const totals = new Map<number, CategoryTally>();

  for (const result of results) {
    const entry = totals.get(result.courseId) ?? {
      categoryId: result.courseId,
      categoryName: nameOf(result.courseId),
      attempts: 0,
      percentSum: 0,
    };

    entry.attempts += 1;
    entry.percentSum += percentOf(result);
    totals.set(result.courseId, entry);
  }

  return [...totals.values()].sort((a, b) => a.categoryId - b.categoryId);
}

/** Serves categories, users and progress straight from the host's data. */
export function createHostCatalog(db: ExistingDatabase): CatalogReader {
  const nameOf = (courseId: number) =>
    db.courses.find((c) => c.id === courseId)?.title ?? '';

  function toAttempt(result: QuizResultRow): AttemptView {
    return {
      attemptId: `quiz-${result.id}`,
      userId: result.learnerId,
      categoryId: result.courseId,
      categoryName: nameOf(result.courseId),
      correct: result.score,
      total: result.maxScore,
      source: result.mode === 'exam' ? 'simulation-exam' : 'practice',
      completedAt: new Date(result.finishedAt),
    };
  }

  return {
    async listCategories({ search, includeInactive }) {
      const needle = search?.toLowerCase();

      return db.courses
        .filter((course) => includeInactive || !course.retired)
        .map(toCategory)
        .filter((c) => !needle || c.name.toLowerCase().includes(needle) ||
          c.code.toLowerCase().includes(needle))
        .sort(byName);
    },

    async getCategory(categoryId) {
      const course = db.courses.find((c) => c.id === categoryId);

      return course ? toCategory(course) : null;
    },

    async getUser(userId) {
      const learner = db.learners.find((l) => l.id === userId);

      return learner ? toUser(learner) : null;
    },

    async readProgress(userId, query: ProgressQuery) {
      const since = query.fromUtc?.getTime() ?? -Infinity;
      const window = db.quizResults
        .filter((r) => r.learnerId === userId)
        .filter((r) => Date.parse(r.finishedAt) >= since)
        .sort(newestFirst);
      const shown = query.recent ? window.slice(0, query.recent) : window;

      return { attempts: shown.map(toAttempt), tallies: tally(window, nameOf) };
    },
  };
}
