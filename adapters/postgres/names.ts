/**
 * Names of everything the adapter creates, derived from the `schema` and
 * `tablePrefix` options. Both are validated to plain lowercase identifiers
 * before they get here, so the quoted forms can go straight into SQL text.
 */

/** Tables the adapter owns, by the key the code uses for them. */
export const TABLES = {
  categories: 'categories',
  users: 'users',
  attempts: 'attempts',
  categoryTotals: 'category_totals',
  apiKeys: 'api_keys',
  assignments: 'assignments',
  events: 'events',
  subscriptions: 'subscriptions',
  deliveries: 'deliveries',
  deliveryAttempts: 'delivery_attempts',
} as const;

export type TableKey = keyof typeof TABLES;

/**
 * Constraints whose violations the adapter turns into domain errors. The
 * migrations spell the same names out, as migrations must never change.
 */
export const CONSTRAINTS = {
  attemptsUser: 'attempts_user_fk',
  attemptsCategory: 'attempts_category_fk',
  subscriptionIdentity: 'subscriptions_identity',
} as const;

export type ConstraintKey = keyof typeof CONSTRAINTS;

export interface Names {
  /** The schema, unquoted, as knex's migrator wants it. */
  schemaName: string;
  /** The schema, quoted for SQL text. */
  schema: string;
  /** The migrations bookkeeping table, unquoted, inside `schemaName`. */
  migrationsTable: string;
  /** Schema-qualified, quoted table names. */
  table: Record<TableKey, string>;
  /** Prefixed constraint names, unquoted, as Postgres reports them. */
  constraint: Record<ConstraintKey, string>;
  /** A quoted, prefixed identifier for an index or constraint. */
  ident(suffix: string): string;
}

/** Quotes an identifier that is already known to be plain. */
export function quote(identifier: string): string {
  return `"${identifier}"`;
}

function mapValues<K extends string, V>(
  source: Record<K, string>,
  convert: (value: string) => V,
): Record<K, V> {
  const entries = Object.entries<string>(source).map(
    ([key, value]) => [key, convert(value)] as const,
  );

  return Object.fromEntries(entries) as Record<K, V>;
}

/** Builds every name from a validated schema and table prefix. */
export function createNames(schemaName: string, prefix: string): Names {
  const schema = quote(schemaName);

  return {
    schemaName,
    schema,
    migrationsTable: `${prefix}migrations`,
    table: mapValues(TABLES, (name) => `${schema}.${quote(prefix + name)}`),
    constraint: mapValues(CONSTRAINTS, (name) => prefix + name),
    ident: (suffix) => quote(prefix + suffix),
  };
}
