import { ApiProperty } from '@nestjs/swagger';
import { JobViewDto } from '../../dto/job-view.dto';
import { JobStatus } from '../../model/job-status';

export class JobAttemptDto {
  /** 1 for the first run. */
  attempt!: number;
  @ApiProperty({ enum: JobStatus, enumName: 'JobStatus' })
  status!: JobStatus;
  /** Local supervisor id or the scheduler's job id of that run. */
  native_id!: string | null;
  exit_code!: number | null;
  /** Why that run failed, was cancelled or timed out. */
  error!: string | null;
  started_at!: string | null;
  finished_at!: string | null;
  /** When it was retried (null for the current attempt). */
  retried_at!: string | null;
  /** Its log: GET /jobs/{id}/log?attempt=N. */
  log_url!: string;
}

export class JobAttemptsDto {
  job_id!: string;
  /** The attempt the job is on now. */
  current_attempt!: number;
  /** Oldest first; the last one is the current attempt. */
  items!: JobAttemptDto[];
}

export class RetryJobResponseDto {
  @ApiProperty({ enum: [true] })
  success!: true;
  job_id!: string;
  /** The new attempt's number. */
  attempt!: number;
  message!: string;
  job!: JobViewDto;
}
