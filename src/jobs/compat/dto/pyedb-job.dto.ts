import { ApiProperty } from '@nestjs/swagger';

/** PyEDB's `JobStatus` values; PyEDB ends a timed-out job as `failed`, so its wait loops end on it too. */
export const PYEDB_JOB_STATUSES = ['queued', 'scheduled', 'running', 'completed', 'failed', 'cancelled'] as const;
export type PyedbJobStatus = (typeof PYEDB_JOB_STATUSES)[number];

/** One element of PyEDB's `GET /api/jobs` array. */
export class PyedbJobDto {
  /** @example "antenna_001" */
  id!: string;
  user!: string | null;
  @ApiProperty({ enum: PYEDB_JOB_STATUSES })
  status!: PyedbJobStatus;
  /** Python `datetime.isoformat()`: microseconds, in UTC with an explicit `+00:00`. @example "2026-12-01T17:06:41.780000+00:00" */
  start_time!: string | null;
  end_time!: string | null;
  @ApiProperty({ type: 'integer', nullable: true })
  return_code!: number | null;
  /** The cluster scheduler's job id; null for local runs. */
  scheduler_job_id!: string | null;
  @ApiProperty({ type: 'integer' })
  priority!: number;
  /** The stored config in PyEDB's `to_dict()` shape, with `platform`, `timestamp` (submission time) and `version`. */
  @ApiProperty({ type: 'object', additionalProperties: true })
  config!: Record<string, unknown>;
}
