import { Controller, Get, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import {
  ApiBadGatewayResponse,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { ErrorResponseDto } from '../../common/filters/error-response';
import { toJobView } from '../job-view.mapper';
import { JobsService } from '../jobs.service';
import { JobAttemptDto, JobAttemptsDto, RetryJobResponseDto } from './dto/job-attempts.dto';
import { JobAttemptsRepository } from './job-attempts.repository';
import { JobRetryService } from './job-retry.service';

const iso = (at: number | null): string | null => (at === null ? null : new Date(at).toISOString());

/** Running a failed, cancelled or timed-out job again under its jobid, and the history of its attempts. */
@ApiTags('jobs')
@ApiNotFoundResponse({ type: ErrorResponseDto, description: 'Unknown job' })
@Controller('jobs')
export class JobRetryController {
  constructor(
    private readonly jobs: JobsService,
    private readonly retries: JobRetryService,
    private readonly attempts: JobAttemptsRepository,
  ) {}

  @Post(':id/retry')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    operationId: 'retryJob',
    summary: 'Run a failed, cancelled or timed-out job again under the same jobid (a new attempt; earlier ones keep their exit codes, errors, logs and times)',
  })
  @ApiOkResponse({ type: RetryJobResponseDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'The job is queued, running or completed, or is being retried already' })
  @ApiBadGatewayResponse({ type: ErrorResponseDto, description: 'The scheduler rejected the resubmission' })
  @ApiServiceUnavailableResponse({ type: ErrorResponseDto, description: 'The service is shutting down' })
  async retry(@Param('id') id: string): Promise<RetryJobResponseDto> {
    const { job, attempt } = await this.retries.retry(this.jobs.get(id));
    return {
      success: true,
      job_id: job.id,
      attempt,
      message: `Job ${job.id} queued again as attempt ${attempt}`,
      job: toJobView(job, this.jobs.queuePosition(job)),
    };
  }

  @Get(':id/attempts')
  @ApiOperation({ operationId: 'listJobAttempts', summary: 'Every attempt of the job, oldest first, the current one last' })
  @ApiOkResponse({ type: JobAttemptsDto })
  list(@Param('id') id: string): JobAttemptsDto {
    const job = this.jobs.get(id);
    const logUrl = (attempt: number) => `/jobs/${encodeURIComponent(job.id)}/log?attempt=${attempt}`;
    const earlier: JobAttemptDto[] = this.attempts.list(job.id).map((record) => ({
      attempt: record.attempt,
      status: record.status,
      native_id: record.nativeId,
      exit_code: record.exitCode,
      error: record.error,
      started_at: iso(record.startedAt),
      finished_at: iso(record.finishedAt),
      retried_at: iso(record.retriedAt),
      log_url: logUrl(record.attempt),
    }));
    const current = earlier.length + 1;
    earlier.push({
      attempt: current,
      status: job.status,
      native_id: job.nativeId,
      exit_code: job.exitCode,
      error: job.error,
      started_at: iso(job.startedAt),
      finished_at: iso(job.finishedAt),
      retried_at: null,
      log_url: logUrl(current),
    });
    return { job_id: job.id, current_attempt: current, items: earlier };
  }
}
