import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Provider } from '@nestjs/common';
import Database from 'better-sqlite3';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.constants';
import { SQLITE_DATABASE } from '../jobs.constants';

export const DATABASE_FILE_NAME = 'jobs.sqlite';

const SCHEMA = `
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
`;

/** Opens (creating if needed) the SQLite file under the data dir: WAL journal, fsync per commit unless configured otherwise. */
export function openJobDatabase(dataDir: string, synchronous: 'full' | 'normal'): Database.Database {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(join(dataDir, DATABASE_FILE_NAME));
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  const owner = db.pragma('application_id', { simple: true }) as number;
  if (owner !== 0 && owner !== HFSS_JOB_MANAGER_APPLICATION_ID) {
    db.close();
    throw new Error(`${join(dataDir, DATABASE_FILE_NAME)} is not an hfss-job-manager database`);
  }
  db.exec(SCHEMA);
  db.pragma(`application_id = ${HFSS_JOB_MANAGER_APPLICATION_ID}`);
  return db;
}

/** "HFJM" in ASCII, stamped into the file header. */
const HFSS_JOB_MANAGER_APPLICATION_ID = 0x48464a4d;

export const sqliteDatabaseProvider: Provider = {
  provide: SQLITE_DATABASE,
  inject: [APP_CONFIG],
  useFactory: (config: AppConfig) => openJobDatabase(config.storage.dataDir, config.storage.synchronous),
};
