import { ApiProperty } from '@nestjs/swagger';
export class QueuedJobDto {
  job_id!: string;
  @ApiProperty({ type: 'integer' })
  priority!: number;
  @ApiProperty({ type: 'integer' })
  position!: number;
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
}
