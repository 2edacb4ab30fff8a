/**
 * The progress read: a user's newest attempts and per-category tallies in
 * one statement, so a request costs one round trip and one pooled
 * connection whatever the history size.
 */
import type {
  AttemptView,
  CategoryTally,
  ProgressData,
  ProgressQuery,
} from '../../src/storage/index.js';
import { select, type Binding, type Queryable } from './db.js';
import type { Names } from './names.js';
import { toDate } from './rows.js';

/** An attempt as `json_agg` spells it: timestamps arrive as ISO text. */
interface AttemptJson {
  attempt_id: string;
  user_id: string;
  category_id: number;
  correct: number;
  total: number;
  source: string;
  completed_at: string;
  category_name: string;
}

interface TallyJson {
  category_id: number;
  category_name: string;
  attempts: number;
  percent_sum: number;
}

/** The single row the statement returns: both result sets as json. */
interface ProgressRow {
  attempts: AttemptJson[];
  tallies: TallyJson[];
}

function toAttemptView(row: AttemptJson): AttemptView {
  return {
    attemptId: row.attempt_id,
    userId: row.user_id,
    categoryId: row.category_id,
    correct: row.correct,
    total: row.total,
    source: row.source,
    completedAt: toDate(row.completed_at),
    categoryName: row.category_name,
  };
}

function toTally(row: TallyJson): CategoryTally {
  return {
    categoryId: row.category_id,
    categoryName: row.category_name,
    attempts: row.attempts,
    percentSum: row.percent_sum,
  };
}

/**
 * Newest first, trimmed to `limit`, read in the order of the
 * (user_id, completed_at desc, attempt_id desc) index.
 */
function recentSql(t: Names['table'], since: boolean): string {
  // `completed_at >= null` would match nothing, so the range condition is
  // only written when asked for; `limit null` is no limit.
  const range = since ? 'and a.completed_at >= ?' : '';

  return `
    select a.attempt_id, a.user_id, a.category_id, a.correct, a.total,
           a.source, a.completed_at, c.name as category_name
      from ${t.attempts} a
      join ${t.categories} c on c.category_id = a.category_id
     where a.user_id = ? ${range}
     order by a.completed_at desc, a.attempt_id desc
     limit ?`;
}

/**
 * From the running totals, or with `since` summed over the same index
 * range as the attempts, with the arithmetic the memory adapter uses.
 */
function talliesSql(t: Names['table'], since: boolean): string {
  if (!since) {
    return `
      select t.category_id, c.name as category_name, t.attempts,
             t.percent_sum
        from ${t.categoryTotals} t
        join ${t.categories} c on c.category_id = t.category_id
       where t.user_id = ?`;
  }

  return `
    select a.category_id, min(c.name) as category_name,
           count(*)::integer as attempts,
           sum(a.correct::double precision / a.total * 100) as percent_sum
      from ${t.attempts} a
      join ${t.categories} c on c.category_id = a.category_id
     where a.user_id = ? and a.completed_at >= ?
     group by a.category_id`;
}

/**
 * Each set is folded into one json array. The ORDER BY inside json_agg is
 * what guarantees the order; it sorts at most `limit` rows that the index
 * already delivers in that order.
 */
function progressSql(t: Names['table'], since: boolean): string {
  return `
    with recent as (${recentSql(t, since)}),
         tallies as (${talliesSql(t, since)})
    select
      (select coalesce(json_agg(r order by r.completed_at desc,
                                r.attempt_id desc), '[]')
         from recent r) as attempts,
      (select coalesce(json_agg(x order by x.category_id), '[]')
         from tallies x) as tallies`;
}

function progressBindings(userId: string, query: ProgressQuery): Binding[] {
  const limit = query.recent || null;

  return query.fromUtc
    ? [userId, query.fromUtc, limit, userId, query.fromUtc]
    : [userId, limit, userId];
}

/** Reads the attempts and the tallies in one statement. */
export async function readProgress(
  q: Queryable,
  names: Names,
  userId: string,
  query: ProgressQuery,
): Promise<ProgressData> {
  const sql = progressSql(names.table, Boolean(query.fromUtc));
  const [row] = await select<ProgressRow>(
    q, sql, progressBindings(userId, query));

  return {
    attempts: row.attempts.map(toAttemptView),
    tallies: row.tallies.map(toTally),
  };
}
