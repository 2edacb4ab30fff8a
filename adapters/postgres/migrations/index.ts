/**
 * Every migration, oldest first. They are imported modules rather than
 * files found at runtime, so they work the same from `src` and `dist`.
 */
import type { Knex } from 'knex';

import type { Names } from '../names.js';
import * as initial from './0001_initial.js';

export interface SchemaMigration {
  /** Recorded in the migrations table; never rename one that shipped. */
  name: string;
  up(knex: Knex, names: Names): Promise<void>;
  down(knex: Knex, names: Names): Promise<void>;
}

export const MIGRATIONS: readonly SchemaMigration[] = [initial];
