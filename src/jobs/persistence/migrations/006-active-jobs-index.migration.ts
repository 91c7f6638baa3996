import { Migration } from './migration';

/**
 * A partial index of the jobs not yet ended, by scheduler: start-up reads the active local and the active cluster
 * jobs through it without touching the finished ones (the statuses are spelt as JobRepository's queries spell them).
 */
export const activeJobsIndexMigration: Migration = {
  version: 6,
  name: 'index of active jobs',
  up(db) {
    db.exec("CREATE INDEX jobs_active ON jobs (scheduler_type, seq) WHERE status IN ('queued','scheduled','running')");
  },
};
