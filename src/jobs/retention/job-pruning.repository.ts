import { Inject, Injectable } from '@nestjs/common';
import Database from 'better-sqlite3';
import { SQLITE_DATABASE } from '../jobs.constants';
import { TERMINAL_JOB_STATUSES } from '../model/job-status';
import { SchedulerType } from '../../simulation/scheduler-type.enum';

export interface PrunableJob {
  id: string;
  workDir: string;
  schedulerType: SchedulerType;
}

/** The job array a deleted job was a task of, when the service keeps no other task of it (its files may go). */
export interface ReleasedArray {
  arrayName: string;
}

const TERMINAL_LIST = [...TERMINAL_JOB_STATUSES].map((status) => `'${status}'`).join(',');

/** Removes terminal jobs (row, events and earlier attempts in one transaction) and finds the ones the retention policy prunes. */
@Injectable()
export class JobPruningRepository {
  private readonly statements;

  constructor(@Inject(SQLITE_DATABASE) private readonly db: Database.Database) {
    this.statements = {
      deleteJob: db.prepare(`DELETE FROM jobs WHERE id = ? AND status IN (${TERMINAL_LIST})`),
      deleteEvents: db.prepare('DELETE FROM job_events WHERE job_id = ?'),
      deleteAttempts: db.prepare('DELETE FROM job_attempts WHERE job_id = ?'),
      arrayOf: db.prepare('SELECT array_name AS arrayName FROM job_array_tasks WHERE job_id = ?'),
      arrayStillKept: db.prepare('SELECT 1 FROM job_array_tasks WHERE array_name = ? LIMIT 1'),
      finishedBefore: db.prepare(
        `SELECT id, work_dir AS workDir, scheduler_type AS schedulerType FROM jobs WHERE status IN (${TERMINAL_LIST}) AND COALESCE(finished_at, updated_at) < ? ORDER BY seq LIMIT ?`,
      ),
      beyondNewest: db.prepare(
        `SELECT id, work_dir AS workDir, scheduler_type AS schedulerType FROM jobs WHERE status IN (${TERMINAL_LIST}) ORDER BY seq DESC LIMIT ? OFFSET ?`,
      ),
    };
  }

  /**
   * Deletes the job if it is terminal at this instant (checked in the same statement); false when it was not. With
   * `released`, the array the job was a task of is passed to it when this deletion dropped the array's last task.
   */
  deleteTerminal(id: string, released?: (array: ReleasedArray) => void): boolean {
    let array: ReleasedArray | undefined;
    const deleted = this.db.transaction(() => {
      const task = this.statements.arrayOf.get(id) as ReleasedArray | undefined;
      if (this.statements.deleteJob.run(id).changes === 0) return false; // its job_array_tasks row goes by trigger (008)
      this.statements.deleteEvents.run(id);
      this.statements.deleteAttempts.run(id);
      if (task && !this.statements.arrayStillKept.get(task.arrayName)) array = task;
      return true;
    })();
    if (array) released?.(array);
    return deleted;
  }

  /** The oldest terminal jobs that finished before `cutoff` (epoch ms), at most `limit`. */
  finishedBefore(cutoff: number, limit: number): PrunableJob[] {
    return this.statements.finishedBefore.all(cutoff, limit) as PrunableJob[];
  }

  /** Terminal jobs beyond the newest `keep`, newest of them first, at most `limit`. */
  beyondNewest(keep: number, limit: number): PrunableJob[] {
    return this.statements.beyondNewest.all(limit, keep) as PrunableJob[];
  }
}
