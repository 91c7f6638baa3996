import { Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { JobStateChangedEvent } from '../events/job-state-changed.event';
import { JobAttemptsRepository } from './job-attempts.repository';
import { JobRetryService } from './job-retry.service';
import { wantsAutomaticRetry } from './infrastructure-failure';

/** Opt-in (`retry: {max_attempts, on_exit_codes}`): a failed attempt that qualifies is retried as POST /jobs/{id}/retry would. */
@Injectable()
export class AutomaticRetryService {
  private readonly logger = new Logger(AutomaticRetryService.name);

  constructor(
    private readonly attempts: JobAttemptsRepository,
    private readonly retries: JobRetryService,
  ) {}

  @OnEvent(JobStateChangedEvent.name)
  onJobStateChanged(event: JobStateChangedEvent): void {
    const job = event.job;
    if (event.previousStatus === job.status || !job.config.retry) return;
    const attempt = this.attempts.currentAttempt(job.id);
    if (!wantsAutomaticRetry(job, attempt, event.detail)) return;
    // After the listener returns: the runner that reported the failure finishes its own bookkeeping first.
    setImmediate(() => {
      this.retries
        .retry(job, `automatic retry ${attempt + 1} of ${job.config.retry?.max_attempts}`)
        .then(({ attempt: next }) => this.logger.log(`Job ${job.id} failed (${job.error ?? `exit code ${job.exitCode}`}); attempt ${next} queued`))
        .catch((error: Error) => this.logger.warn(`Automatic retry of ${job.id} failed: ${error.message}`));
    });
  }
}
