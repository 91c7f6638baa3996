import { JobRecord } from '../model/job-record';
import { RETRYABLE_STATUSES } from './job-retry.service';

/** The answer to an identical re-submission: nothing new runs; a job that ended badly says how to run it again. */
export function duplicateMessage(job: JobRecord): string {
  const base = `Job ${job.id} already exists with this configuration; nothing new was queued`;
  return RETRYABLE_STATUSES.has(job.status) ? `${base}. It ended ${job.status}: POST /jobs/${job.id}/retry runs it again as a new attempt` : base;
}
