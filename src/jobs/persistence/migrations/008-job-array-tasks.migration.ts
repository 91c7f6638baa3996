import { Migration } from './migration';

/**
 * Jobs of a batch handed to their scheduler as one job array (SLURM `sbatch --array`, Grid Engine `qsub -t`): which
 * array and which task each one is. Written and made durable before the array's submit command runs, so a submission whose answer was lost
 * (a crash, a timeout) is found again by the array's name and the task's index, never submitted twice. A job queued
 * again (a retry) or deleted loses its row: the array it was in belongs to an earlier attempt.
 */
export const jobArrayTasksMigration: Migration = {
  version: 8,
  name: 'job array tasks',
  up(db) {
    db.exec(`
CREATE TABLE job_array_tasks (
  job_id TEXT PRIMARY KEY,
  array_name TEXT NOT NULL,
  task_index INTEGER NOT NULL
);
CREATE INDEX job_array_tasks_by_array ON job_array_tasks (array_name);
CREATE TRIGGER job_array_tasks_on_delete AFTER DELETE ON jobs BEGIN
  DELETE FROM job_array_tasks WHERE job_id = old.id;
END;
CREATE TRIGGER job_array_tasks_on_requeue AFTER UPDATE OF status ON jobs WHEN new.status = 'queued' AND old.status <> 'queued' BEGIN
  DELETE FROM job_array_tasks WHERE job_id = new.id;
END;
`);
  },
};
