import { Inject, Injectable } from '@nestjs/common';
import Database from 'better-sqlite3';
import { SQLITE_DATABASE } from '../jobs.constants';

export interface JobEventRow {
  seq: number;
  status: string;
  at: number;
  detail: string | null;
}

/** Reads a job's timeline from the append-only `job_events` log (written by JobRepository with every transition). */
@Injectable()
export class JobEventsRepository {
  private readonly byJob: Database.Statement;

  constructor(@Inject(SQLITE_DATABASE) db: Database.Database) {
    this.byJob = db.prepare('SELECT seq, status, at, detail FROM job_events WHERE job_id = ? AND seq > ? ORDER BY seq LIMIT ?');
  }

  /** Events after `afterSeq`, oldest first, at most `limit`. */
  forJob(jobId: string, afterSeq: number, limit: number): JobEventRow[] {
    return this.byJob.all(jobId, afterSeq, limit) as JobEventRow[];
  }
}
