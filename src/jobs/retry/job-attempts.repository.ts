import { Inject, Injectable } from '@nestjs/common';
import Database from 'better-sqlite3';
import { JobStateConflictError } from '../../common/errors/job-manager.errors';
import { SQLITE_DATABASE } from '../jobs.constants';
import { JobRecord } from '../model/job-record';
import { isTerminal, JobStatus } from '../model/job-status';

/** One earlier run of a job, as kept by a retry. Times are epoch ms. */
export interface JobAttemptRecord {
  attempt: number;
  status: JobStatus;
  nativeId: string | null;
  exitCode: number | null;
  error: string | null;
  logPath: string;
  startedAt: number | null;
  finishedAt: number | null;
  retriedAt: number;
}

interface AttemptRow {
  attempt: number;
  status: JobStatus;
  native_id: string | null;
  exit_code: number | null;
  error: string | null;
  log_path: string;
  started_at: number | null;
  finished_at: number | null;
  retried_at: number;
}

/** The `job_attempts` table (migration 002): finished attempts of retried jobs; the jobs row is the current one. */
@Injectable()
export class JobAttemptsRepository {
  private readonly statements;

  constructor(@Inject(SQLITE_DATABASE) db: Database.Database) {
    this.statements = {
      insert: db.prepare(
        'INSERT INTO job_attempts (job_id, attempt, status, native_id, exit_code, error, log_path, started_at, finished_at, retried_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      byJob: db.prepare('SELECT * FROM job_attempts WHERE job_id = ? ORDER BY attempt'),
      count: db.prepare('SELECT COUNT(*) AS n FROM job_attempts WHERE job_id = ?'),
      status: db.prepare('SELECT status FROM jobs WHERE id = ?'),
      deleteForJob: db.prepare('DELETE FROM job_attempts WHERE job_id = ?'),
    };
  }

  /** The number of the job's current attempt (1 until it is retried). */
  currentAttempt(jobId: string): number {
    return (this.statements.count.get(jobId) as { n: number }).n + 1;
  }

  list(jobId: string): JobAttemptRecord[] {
    return (this.statements.byJob.all(jobId) as AttemptRow[]).map((row) => ({
      attempt: row.attempt,
      status: row.status,
      nativeId: row.native_id,
      exitCode: row.exit_code,
      error: row.error,
      logPath: row.log_path,
      startedAt: row.started_at,
      finishedAt: row.finished_at,
      retriedAt: row.retried_at,
    }));
  }

  /**
   * Records the job's current (ended) attempt; to be run inside the transaction that starts the next one. Throws
   * a conflict when the job is no longer terminal or the attempt was already recorded (a concurrent retry won).
   */
  recordEnded(job: JobRecord, attempt: number, logPath: string, at: number): void {
    const stored = this.statements.status.get(job.id) as { status: JobStatus } | undefined;
    if (!stored || !isTerminal(stored.status) || this.currentAttempt(job.id) !== attempt) {
      throw new JobStateConflictError(`Job ${job.id} is being retried already`);
    }
    this.statements.insert.run(job.id, attempt, job.status, job.nativeId, job.exitCode, job.error, logPath, job.startedAt, job.finishedAt, at);
  }

  deleteForJob(jobId: string): void {
    this.statements.deleteForJob.run(jobId);
  }
}
