import { Migration } from './migration';

/**
 * Earlier runs of a job that was retried (POST /jobs/{id}/retry): one row per finished attempt, with its outcome,
 * times and where its log was kept. The jobs row always describes the current attempt (number = rows + 1).
 * Provisional number: renumbered at merge if another 002 lands first.
 */
export const jobAttemptsMigration: Migration = {
  version: 4,
  name: 'job attempts',
  up(db) {
    db.exec(`
CREATE TABLE IF NOT EXISTS job_attempts (
  job_id TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  status TEXT NOT NULL,
  native_id TEXT,
  exit_code INTEGER,
  error TEXT,
  log_path TEXT NOT NULL,
  started_at INTEGER,
  finished_at INTEGER,
  retried_at INTEGER NOT NULL,
  PRIMARY KEY (job_id, attempt)
);
`);
  },
};
