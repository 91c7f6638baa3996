import { ApiProperty } from '@nestjs/swagger';

/** GET /health (in a `*.dto.ts` file so the Swagger plugin documents its properties). */
export class HealthDto {
  /** `storage_failed` (answered with 503): a flush of the job store failed; restart the service. */
  @ApiProperty({ enum: ['ok', 'draining', 'storage_failed'] })
  status!: 'ok' | 'draining' | 'storage_failed';
  /** The service's package version. */
  version!: string;
  /** Seconds since the process started. */
  @ApiProperty({ type: 'integer', minimum: 0 })
  uptime_s!: number;
  /** False while draining for shutdown, and after a failed flush of the job store: new submissions are refused. */
  accepting_jobs!: boolean;
}
