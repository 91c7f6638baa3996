import { Injectable } from '@nestjs/common';
import { JobStateConflictError, ShuttingDownError } from '../../common/errors/job-manager.errors';
import { SchedulerType } from '../../simulation/scheduler-type.enum';
import { ClusterJobRunner } from '../cluster/cluster-job-runner.service';
import { JobLifecycleService } from '../job-lifecycle.service';
import { LocalJobRunner } from '../local/local-job-runner.service';
import { JobRecord } from '../model/job-record';
import { JobStatus } from '../model/job-status';
import { JobRepository } from '../persistence/job.repository';
import { archiveAttemptFiles } from './attempt-files';
import { JobAttemptsRepository } from './job-attempts.repository';

/** Jobs that may run again: a completed job is done, and an active one is still running its attempt. */
export const RETRYABLE_STATUSES: ReadonlySet<JobStatus> = new Set([JobStatus.FAILED, JobStatus.CANCELLED, JobStatus.TIMED_OUT]);

export interface RetryResult {
  job: JobRecord;
  attempt: number;
}

/**
 * POST /jobs/{id}/retry: the ended attempt is recorded (job_attempts) and the job goes back to `queued` in one
 * store transaction, then it is dispatched exactly like a first submission (local queue, or
 * ClusterJobRunner.submit), so the first run's exactly-once launch and crash recovery apply unchanged.
 */
@Injectable()
export class JobRetryService {
  private readonly inFlight = new Set<string>();

  constructor(
    private readonly jobs: JobRepository,
    private readonly attempts: JobAttemptsRepository,
    private readonly lifecycle: JobLifecycleService,
    private readonly localRunner: LocalJobRunner,
    private readonly clusterRunner: ClusterJobRunner,
  ) {}

  async retry(job: JobRecord, why = 'retry'): Promise<RetryResult> {
    if (this.localRunner.isDraining) throw new ShuttingDownError();
    if (!RETRYABLE_STATUSES.has(job.status)) {
      throw new JobStateConflictError(`Job ${job.id} is ${job.status}; only a failed, cancelled or timed-out job can be retried`);
    }
    if (this.inFlight.has(job.id)) throw new JobStateConflictError(`Job ${job.id} is being retried already`);
    this.inFlight.add(job.id);
    try {
      const ended = this.attempts.currentAttempt(job.id);
      const keptLog = await archiveAttemptFiles(job.workDir, ended);
      const now = Date.now();
      const queued = this.lifecycle.transition(
        job,
        { status: JobStatus.QUEUED, nativeId: null, exitCode: null, error: null, progress: null, startedAt: null, finishedAt: null, cancelRequestedAt: null },
        `${why}: attempt ${ended + 1} queued (attempt ${ended} ${job.status}${job.exitCode === null ? '' : ` with exit code ${job.exitCode}`})`,
        () => this.attempts.recordEnded(job, ended, keptLog, now),
      );
      if (queued.schedulerType === SchedulerType.NONE) {
        this.localRunner.enqueue(queued);
        return { job: queued, attempt: ended + 1 };
      }
      return { job: await this.clusterRunner.submit(queued), attempt: ended + 1 };
    } finally {
      this.inFlight.delete(job.id);
    }
  }
}
