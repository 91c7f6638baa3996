import { ApiProperty } from '@nestjs/swagger';
export class QueuedJobDto {
  job_id!: string;
  @ApiProperty({ type: 'integer' })
  priority!: number;
  @ApiProperty({ type: 'integer' })
  position!: number;
}

/** A cluster job stored but not yet accepted by its scheduler. */
export class AwaitingSubmissionDto {
  job_id!: string;
  scheduler_type!: string;
  /** e.g. "waiting for slurm: scheduler unreachable (…); attempt 2 failed, next attempt in 30 s". */
  reason!: string;
  cancel_requested!: boolean;
}

/** Queue statistics (queued vs running) and why the next job waits, if it does. */
export class QueueViewDto {
  @ApiProperty({ type: 'integer' })
  queued!: number;
  @ApiProperty({ type: 'integer' })
  running!: number;
  /** Cluster jobs accepted by their scheduler and not yet running. */
  @ApiProperty({ type: 'integer' })
  scheduled!: number;
  @ApiProperty({ type: 'integer' })
  max_concurrent_jobs!: number;
  /** True when the next queued job would start now. */
  admitting!: boolean;
  /** Why jobs are waiting: concurrency, CPU, memory or disk limits. */
  blocked_reasons!: string[];
  /** The first queued jobs in run order (at most 20). */
  next!: QueuedJobDto[];
  /** Cluster jobs waiting for their scheduler (unreachable, or the outcome of a submission unknown). */
  awaiting_submission!: AwaitingSubmissionDto[];
}
