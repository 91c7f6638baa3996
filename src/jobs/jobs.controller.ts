import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post, Query, Res, UseInterceptors } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadGatewayResponse,
  ApiBadRequestResponse,
  ApiBody,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiGatewayTimeoutResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { ValidationFailedError } from '../common/errors/job-manager.errors';
import { ErrorResponseDto } from '../common/filters/error-response';
import { HFSSSimulationConfig } from '../simulation/hfss-simulation-config.dto';
import { parseSimulationConfig } from '../simulation/simulation-config.validation';
import { PyedbSubmissionNormalizer } from './compat/pyedb-submission.normalizer';
import { SchedulerType } from '../simulation/scheduler-type.enum';
import { ChangePriorityDto } from './dto/change-priority.dto';
import { DeleteJobQueryDto, DeleteJobResponseDto } from './dto/delete-job.dto';
import { JobActionResponseDto, JobListDto, JobViewDto, SubmitJobResponseDto } from './dto/job-view.dto';
import { ListJobsQueryDto, WaitJobQueryDto } from './dto/list-jobs-query.dto';
import { SubmitBatchQueryDto, SubmitBatchRequestDto, SubmitBatchResponseDto } from './dto/submit-batch.dto';
import { DurableAnswerInterceptor } from './durable-answer.interceptor';
import { jobListJson } from './job-list-json';
import { toJobView } from './job-view.mapper';
import { JobRecord } from './model/job-record';
import { JobRepository } from './persistence/job.repository';
import { isTerminal, JobStatus } from './model/job-status';
import { JobsService } from './jobs.service';
import { JobDeletionService } from './retention/job-deletion.service';
import { duplicateMessage } from './retry/duplicate-message';
import { batchResults } from './submission/batch-item-result';
import { BatchItemInput, batchItemError, BatchSubmissionService, MAX_BATCH_JOBS } from './submission/batch-submission.service';

@ApiTags('jobs')
@ApiBadRequestResponse({ type: ErrorResponseDto, description: 'Validation failed or a file is missing' })
@Controller('jobs')
export class JobsController {
  constructor(
    private readonly jobs: JobsService,
    private readonly normalizer: PyedbSubmissionNormalizer,
    private readonly deletion: JobDeletionService,
    private readonly repository: JobRepository,
    private readonly batch: BatchSubmissionService,
  ) {}

  @Get()
  @ApiOperation({ operationId: 'listJobs', summary: 'Paginated list of all jobs, newest first, optionally filtered by status' })
  @ApiOkResponse({ type: JobListDto })
  async list(@Query() query: ListJobsQueryDto, @Res() response: Response): Promise<void> {
    // Written by hand (the items' config and argv are the stored JSON, never parsed): a page of 500 is ~1 MB.
    const page = this.repository.listForView(query);
    const body = jobListJson(page.items, ({ job }) => (job.status === JobStatus.QUEUED ? this.jobs.queuePosition(job as JobRecord) : undefined), {
      total: page.total,
      limit: query.limit,
      offset: query.offset,
    });
    await this.repository.whenDurable();
    response.type('application/json').send(body);
  }

  @Post('submit')
  @ApiOperation({ operationId: 'submitJob', summary: 'Submit a new job; re-submitting an existing jobid with the same config returns the stored job (200)' })
  @ApiCreatedResponse({ type: SubmitJobResponseDto, description: 'Queued locally, or accepted by the cluster scheduler (status scheduled, native_id set)' })
  @ApiAcceptedResponse({
    type: SubmitJobResponseDto,
    description:
      'Cluster job stored but not yet accepted: the scheduler was unreachable (it is submitted again with back-off) or did not answer (it is looked up by name before any new submission). Status queued, waiting_reason says why; cancellable meanwhile',
  })
  @ApiOkResponse({ type: SubmitJobResponseDto, description: 'Duplicate: the jobid already exists with this configuration' })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'The jobid exists with a different configuration' })
  @ApiBadGatewayResponse({ type: ErrorResponseDto, description: 'The scheduler rejected the job (its message is in error); the job is stored as failed' })
  @ApiServiceUnavailableResponse({ type: ErrorResponseDto, description: 'The service is shutting down' })
  @ApiBody({
    type: HFSSSimulationConfig,
    description: 'A config; PyEDB\'s `{"config": …, "priority": n}` wrapper and `to_dict()` / `model_dump()` bodies are accepted too',
  })
  async submit(@Body() body: unknown, @Res({ passthrough: true }) response: Response): Promise<SubmitJobResponseDto> {
    // Held until what it shows is on disk, answer or error, as DurableAnswerInterceptor holds the other routes'
    // (without its rxjs pipeline, ~5 % of a submit's CPU: this is the hot path).
    try {
      const answer = await this.submitted(body, response);
      await this.repository.whenDurable();
      return answer;
    } catch (error) {
      await this.repository.whenDurable().catch(() => undefined);
      throw error;
    }
  }

  @UseInterceptors(DurableAnswerInterceptor)
  @Post('submit-batch')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    operationId: 'submitJobBatch',
    summary: `Submit up to ${MAX_BATCH_JOBS} configs in one request: each checked like POST /jobs/submit, the valid ones stored in one transaction; per-item results in request order`,
  })
  @ApiOkResponse({
    type: SubmitBatchResponseDto,
    description:
      'Every item answered (accepted, duplicate or rejected with the code the single submit would give); answered once the accepted jobs are durable. Each accepted or duplicate result names its job (jobid, job_status, queue_position); with `?view=full` it carries the whole job view too',
  })
  @ApiPayloadTooLargeResponse({ type: ErrorResponseDto, description: 'The body is over 16 MiB' })
  @ApiServiceUnavailableResponse({ type: ErrorResponseDto, description: 'The service is shutting down' })
  @ApiBody({ type: SubmitBatchRequestDto })
  async submitBatch(@Body() body: unknown, @Query() query: SubmitBatchQueryDto): Promise<SubmitBatchResponseDto> {
    const outcomes = await this.batch.submitMany(this.parseBatch(body));
    return { success: true, ...batchResults(outcomes, (job) => this.jobs.queuePosition(job), query.view ?? 'summary') };
  }

  @UseInterceptors(DurableAnswerInterceptor)
  @Get(':id')
  @ApiOperation({ operationId: 'getJob', summary: 'One job with its configuration, state and exit code' })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  get(@Param('id') id: string): JobViewDto {
    const job = this.jobs.get(id);
    return toJobView(job, this.jobs.queuePosition(job));
  }

  @UseInterceptors(DurableAnswerInterceptor)
  @Get(':id/wait')
  @ApiOperation({ operationId: 'waitForJob', summary: 'Wait until the job is completed, failed, cancelled or timed out (504 when the wait times out)' })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @ApiGatewayTimeoutResponse({ type: ErrorResponseDto })
  async wait(@Param('id') id: string, @Query() query: WaitJobQueryDto): Promise<JobViewDto> {
    return toJobView(await this.jobs.waitForTerminal(id, query.timeout * 1000));
  }

  @UseInterceptors(DurableAnswerInterceptor)
  @Post(':id/cancel')
  @ApiOperation({ operationId: 'cancelJob', summary: 'Cancel a queued or running job (idempotent); running jobs lose their whole process tree' })
  @ApiOkResponse({ type: JobActionResponseDto, description: 'The job is cancelled (or ended otherwise before the cancel took effect: its real final state)' })
  @ApiAcceptedResponse({
    type: JobActionResponseDto,
    description:
      'Cluster job: the cancel is recorded (cancel_requested_at) but not yet confirmed by the scheduler (down, slow, or still looking the job up); it is retried every poll until the scheduler confirms or the job ends',
  })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'The job already completed or failed' })
  async cancel(@Param('id') id: string, @Res({ passthrough: true }) response: Response): Promise<JobActionResponseDto> {
    const job = await this.jobs.cancel(id);
    response.status(isTerminal(job.status) ? HttpStatus.OK : HttpStatus.ACCEPTED);
    return { success: true, job: toJobView(job) };
  }

  @UseInterceptors(DurableAnswerInterceptor)
  @Post(':id/priority')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ operationId: 'setJobPriority', summary: 'Change the priority of a queued job and re-queue it' })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'The job is not queued (running or finished)' })
  changePriority(@Param('id') id: string, @Body() body: ChangePriorityDto): JobActionResponseDto {
    const job = this.jobs.changePriority(id, body.priority);
    return { success: true, job: toJobView(job, this.jobs.queuePosition(job)) };
  }

  @UseInterceptors(DurableAnswerInterceptor)
  @Delete(':id')
  @ApiOperation({
    operationId: 'deleteJob',
    summary: 'Delete a completed, failed, cancelled or timed-out job: its store rows, its events and (unless keep_files=true) its work dir',
  })
  @ApiOkResponse({ type: DeleteJobResponseDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'The job is queued, scheduled or running: cancel it first' })
  async delete(@Param('id') id: string, @Query() query: DeleteJobQueryDto): Promise<DeleteJobResponseDto> {
    const keepFiles = query.keep_files === 'true';
    await this.deletion.delete(id, keepFiles);
    return { success: true, job_id: id, message: `Job ${id} deleted${keepFiles ? '; its files were kept' : ''}`, files_kept: keepFiles };
  }

  /** POST /jobs/submit's answer, before it is held for durability. */
  private async submitted(body: unknown, response: Response): Promise<SubmitJobResponseDto> {
    const { job, duplicate } = await this.jobs.submit(parseSimulationConfig(this.normalizer.normalize(body)));
    const awaitingScheduler = job.schedulerType !== SchedulerType.NONE && job.status === JobStatus.QUEUED && job.nativeId === null;
    response.status(duplicate ? HttpStatus.OK : awaitingScheduler ? HttpStatus.ACCEPTED : HttpStatus.CREATED);
    const message = duplicate
      ? duplicateMessage(job)
      : awaitingScheduler
        ? `Job ${job.id} stored; waiting for ${job.schedulerType} to accept it`
        : `Job ${job.id} submitted successfully`;
    return { success: true, job_id: job.id, message, duplicate, job: toJobView(job, this.jobs.queuePosition(job)) };
  }

  /** The body's shape is the request's problem (400); each item's is its own (a rejected result). */
  private parseBatch(body: unknown): BatchItemInput[] {
    const jobs = (body as { jobs?: unknown } | null)?.jobs;
    if (body === null || typeof body !== 'object' || Array.isArray(body) || !Array.isArray(jobs)) {
      throw new ValidationFailedError('The body must be {"jobs": [config, …]}');
    }
    const extra = Object.keys(body).filter((key) => key !== 'jobs');
    if (extra.length > 0) {
      throw new ValidationFailedError(extra.map((key) => `property ${key} should not exist`).join('; '));
    }
    if (jobs.length === 0 || jobs.length > MAX_BATCH_JOBS) {
      throw new ValidationFailedError(`jobs must hold 1 to ${MAX_BATCH_JOBS} configs (got ${jobs.length})`);
    }
    return jobs.map((item: unknown) => {
      try {
        return { config: parseSimulationConfig(this.normalizer.normalize(item)) };
      } catch (error) {
        const jobid = (item as { jobid?: unknown } | null)?.jobid;
        return { error: batchItemError(error), ...(typeof jobid === 'string' && { jobid }) };
      }
    });
  }
}
