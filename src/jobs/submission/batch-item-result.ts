import type { BatchView } from '../dto/submit-batch.dto';
import { JobViewDto } from '../dto/job-view.dto';
import { toJobView } from '../job-view.mapper';
import { JobRecord } from '../model/job-record';
import { JobStatus } from '../model/job-status';
import { BatchItemError, BatchItemOutcome } from './batch-submission.service';

/** One item of a batch answer (POST /jobs/submit-batch, the façade's submitMany): its job named, or viewed in full. */
export interface BatchItemResult {
  index: number;
  jobid?: string;
  status: BatchItemOutcome['status'];
  job_status?: JobStatus;
  queue_position?: number;
  /** With the full view only. */
  job?: JobViewDto;
  /** Its `cause` is not enumerable: in-process callers see it, JSON leaves it out. */
  error?: BatchItemError;
}

export interface BatchCounts {
  accepted: number;
  duplicates: number;
  rejected: number;
}

/**
 * An outcome as answered: the stored job's state and queue place (summary), and its whole view with `full`.
 * Plain data only, so one JSON.stringify of the answer is all its serialisation costs.
 */
export function batchItemResult(outcome: BatchItemOutcome, queuePosition: number | undefined, view: BatchView): BatchItemResult {
  const { index, jobid, status, job, error } = outcome;
  const result: BatchItemResult = { index, ...(jobid !== undefined && { jobid }), status };
  if (job) {
    result.job_status = job.status;
    if (queuePosition !== undefined) result.queue_position = queuePosition;
    if (view === 'full') result.job = toJobView(job, queuePosition);
  }
  if (error) result.error = error;
  return result;
}

/** The results of a batch in request order, with how many were accepted, duplicates and rejected. */
export function batchResults(
  outcomes: readonly BatchItemOutcome[],
  queuePositionOf: (job: JobRecord) => number | undefined,
  view: BatchView,
): BatchCounts & { results: BatchItemResult[] } {
  const counts: BatchCounts = { accepted: 0, duplicates: 0, rejected: 0 };
  const results = outcomes.map((outcome) => {
    if (outcome.status === 'accepted') counts.accepted++;
    else if (outcome.status === 'duplicate') counts.duplicates++;
    else counts.rejected++;
    return batchItemResult(outcome, outcome.job && queuePositionOf(outcome.job), view);
  });
  return { ...counts, results };
}
