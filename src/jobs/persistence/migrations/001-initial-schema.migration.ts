import { Migration } from './migration';

/** The schema of release 0.1.0 (stores created before schema versions existed have user_version 0 and this shape). */
export const initialSchemaMigration: Migration = {
  version: 1,
  name: 'initial schema',
  up(db) {
    db.exec(`
CREATE TABLE IF NOT EXISTS jobs (
  id TEXT PRIMARY KEY,
  seq INTEGER NOT NULL UNIQUE,
  status TEXT NOT NULL,
  priority INTEGER NOT NULL,
  scheduler_type TEXT NOT NULL,
  config TEXT NOT NULL,
  config_hash TEXT NOT NULL,
  argv TEXT NOT NULL,
  work_dir TEXT NOT NULL,
  log_path TEXT NOT NULL,
  native_id TEXT,
  exit_code INTEGER,
  error TEXT,
  progress REAL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  started_at INTEGER,
  finished_at INTEGER,
  cancel_requested_at INTEGER
);
CREATE INDEX IF NOT EXISTS jobs_by_status ON jobs (status, seq);
CREATE TABLE IF NOT EXISTS job_events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  job_id TEXT NOT NULL,
  status TEXT NOT NULL,
  at INTEGER NOT NULL,
  detail TEXT
);
CREATE INDEX IF NOT EXISTS job_events_by_job ON job_events (job_id, seq);
`);
  },
};
