import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { ERROR_CODES, ErrorCode } from '../../common/filters/error-response';
import { HFSSSimulationConfig } from '../../simulation/hfss-simulation-config.dto';
import { MAX_BATCH_JOBS } from '../submission/batch-submission.service';
import { JobStatus } from '../model/job-status';
import { JobViewDto } from './job-view.dto';

/** How much of each stored job a batch answer carries. */
export const BATCH_VIEWS = ['summary', 'full'] as const;
export type BatchView = (typeof BATCH_VIEWS)[number];

/** Query of POST /jobs/submit-batch. */
export class SubmitBatchQueryDto {
  @ApiPropertyOptional({
    enum: BATCH_VIEWS,
    default: 'summary',
    description:
      'summary (the default): each accepted or duplicate result names its job by jobid, job_status and queue_position (~100 bytes an item); full: each also carries the whole job view (`job`, as GET /jobs/{id} answers it; ~2 KB an item, 20 MB for 10,000)',
  })
  @IsOptional()
  @IsIn(BATCH_VIEWS)
  view?: BatchView;
}

/** Request body of POST /jobs/submit-batch (validated item by item, see SubmitBatchItemResultDto). */
export class SubmitBatchRequestDto {
  @ApiProperty({
    type: [HFSSSimulationConfig],
    minItems: 1,
    maxItems: MAX_BATCH_JOBS,
    description: `1 to ${MAX_BATCH_JOBS} configs, each as POST /jobs/submit takes it (PyEDB's wrapper too); the whole body at most 16 MiB`,
  })
  jobs!: HFSSSimulationConfig[];
}

/** Why an item was refused: the code and message POST /jobs/submit would answer with for it alone. */
export class SubmitBatchItemErrorDto {
  @ApiProperty({ enum: ERROR_CODES, enumName: 'ErrorCode', description: 'Stable, machine-readable error code' })
  code!: ErrorCode;

  @ApiProperty({ description: 'Human-readable reason', example: 'Project file not found: /projects/antenna.aedt' })
  message!: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'More context: `first_index` for a jobid repeated in the batch, `existing_job_id` for DUPLICATE_JOB_ID',
  })
  details?: Record<string, unknown>;
}

export class SubmitBatchItemResultDto {
  /** Position of the item in the request's `jobs`. */
  @ApiProperty({ type: 'integer' })
  index!: number;

  /** The jobid given or generated; absent when the item was refused before it had one (e.g. not an object). */
  jobid?: string;

  @ApiProperty({
    enum: ['accepted', 'duplicate', 'rejected'],
    description: 'accepted: stored and queued (201/202 alone); duplicate: the jobid exists with this config (200 alone); rejected: see error',
  })
  status!: 'accepted' | 'duplicate' | 'rejected';

  /** The stored job's state (accepted, duplicate): an accepted job is queued (a cluster one too: its scheduler submission follows). */
  @ApiPropertyOptional({ enum: JobStatus, enumName: 'JobStatus' })
  job_status?: JobStatus;

  /** 1-based place in the local queue, for a job waiting in it (as `queue_position` of its view); absent otherwise. */
  @ApiPropertyOptional({ type: 'integer', minimum: 1 })
  queue_position?: number;

  /** With `?view=full` only: the stored job (accepted, duplicate), as GET /jobs/{id} answers it. */
  job?: JobViewDto;

  error?: SubmitBatchItemErrorDto;
}

export class SubmitBatchResponseDto {
  @ApiProperty({ enum: [true] })
  success!: true;

  @ApiProperty({ type: 'integer' })
  accepted!: number;

  @ApiProperty({ type: 'integer' })
  duplicates!: number;

  @ApiProperty({ type: 'integer' })
  rejected!: number;

  /** One result per item, in request order. */
  results!: SubmitBatchItemResultDto[];
}
