import { ApiProperty } from '@nestjs/swagger';

/** GET /health (in a `*.dto.ts` file so the Swagger plugin documents its properties). */
export class HealthDto {
  @ApiProperty({ enum: ['ok', 'draining'] })
  status!: 'ok' | 'draining';
  /** The service's package version. */
  version!: string;
  /** Seconds since the process started. */
  @ApiProperty({ type: 'integer', minimum: 0 })
  uptime_s!: number;
  /** False while draining for shutdown: new submissions are refused. */
  accepting_jobs!: boolean;
}
