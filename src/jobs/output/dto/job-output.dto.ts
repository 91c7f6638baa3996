import { ApiProperty } from '@nestjs/swagger';

/** One transition in a job's timeline, from the append-only event log. */
export class JobEventDto {
  /** Event sequence number, increasing across all jobs. */
  @ApiProperty({ type: 'integer' })
  seq!: number;
  /** The job's status after this event. */
  status!: string;
  /** @example "2026-12-01T17:02:36.120Z" */
  @ApiProperty({ format: 'date-time' })
  at!: string;
  /** What happened, e.g. "submitted", "solver exited with code 0". */
  detail!: string | null;
}

export class JobEventsDto {
  job_id!: string;
  items!: JobEventDto[];
}

export class JobFileDto {
  @ApiProperty({ enum: ['work', 'results'] })
  root!: 'work' | 'results';
  /** Relative to the root, `/`-separated; download it from `/jobs/{id}/files/{root}/{path}`. */
  path!: string;
  @ApiProperty({ type: 'integer' })
  size!: number;
  @ApiProperty({ format: 'date-time' })
  modified_at!: string;
}

export class JobFilesDto {
  job_id!: string;
  items!: JobFileDto[];
  /** True when the listing stopped at its limit (10,000 files). */
  truncated!: boolean;
}
