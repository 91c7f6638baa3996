import { Migration } from './migration';

/**
 * Jobs per status, kept by triggers on `jobs` (insert, delete, status change), so totals and `/metrics` read a
 * handful of rows instead of counting a table of a million jobs. Filled from the existing jobs once.
 */
export const jobCountsMigration: Migration = {
  version: 5,
  name: 'job counts per status',
  up(db) {
    db.exec(`
CREATE TABLE job_counts (status TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
INSERT INTO job_counts (status, n) SELECT status, COUNT(*) FROM jobs GROUP BY status;
CREATE TRIGGER job_counts_after_insert AFTER INSERT ON jobs BEGIN
  INSERT INTO job_counts (status, n) VALUES (NEW.status, 1) ON CONFLICT (status) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER job_counts_after_delete AFTER DELETE ON jobs BEGIN
  UPDATE job_counts SET n = n - 1 WHERE status = OLD.status;
END;
CREATE TRIGGER job_counts_after_status_change AFTER UPDATE OF status ON jobs WHEN OLD.status IS NOT NEW.status BEGIN
  UPDATE job_counts SET n = n - 1 WHERE status = OLD.status;
  INSERT INTO job_counts (status, n) VALUES (NEW.status, 1) ON CONFLICT (status) DO UPDATE SET n = n + 1;
END;
`);
  },
};
