import Database from 'better-sqlite3';
import { Migration } from './migration';

export class UnsupportedSchemaVersionError extends Error {}

/**
 * Brings the store to the latest schema version, one transaction per migration (a crash leaves the store at the
 * last completed version). A store written by a newer release is refused rather than guessed at.
 */
export function runMigrations(db: Database.Database, migrations: readonly Migration[], file: string): { from: number; to: number } {
  const versions = migrations.map((migration) => migration.version);
  if (versions.some((version, index) => version !== index + 1)) {
    throw new Error(`migrations must be numbered 1..n without gaps (got ${versions.join(', ')})`);
  }
  const latest = versions.length;
  const from = db.pragma('user_version', { simple: true }) as number;
  if (from > latest) {
    throw new UnsupportedSchemaVersionError(
      `${file} has schema version ${from}, written by a newer hfss-job-manager; this release reads versions up to ${latest}. ` +
        'Run the newer release, or restore a backup made by this one.',
    );
  }
  for (const migration of migrations.slice(from)) {
    db.transaction(() => {
      migration.up(db);
      db.pragma(`user_version = ${migration.version}`);
    }).immediate();
  }
  return { from, to: latest };
}
