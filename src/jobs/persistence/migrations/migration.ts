import Database from 'better-sqlite3';

/**
 * One numbered, forward-only schema change. `version` is the store's `PRAGMA user_version` once it has run.
 * Migrations are never edited once released: a change to the schema is a new file with the next number.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  up(db: Database.Database): void;
}
