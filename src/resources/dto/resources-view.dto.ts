import { ApiProperty } from '@nestjs/swagger';
/** Host telemetry as last sampled. */
export class HostSampleDto {
  /** When the sample was taken (ISO 8601). */
  sampled_at!: string;
  /** Host CPU load, percent of all cores. */
  cpu_percent!: number;
  @ApiProperty({ type: 'integer' })
  cpu_cores!: number;
  @ApiProperty({ type: 'integer' })
  memory_total_mb!: number;
  /** Memory available to new processes. */
  @ApiProperty({ type: 'integer' })
  memory_free_mb!: number;
  /** The solver temp directory whose filesystem is measured. */
  disk_path!: string;
  @ApiProperty({ type: 'integer' })
  disk_total_mb!: number;
  @ApiProperty({ type: 'integer' })
  disk_free_mb!: number;
}

/** Admission limits for local jobs (the seed's `ResourceLimits`). */
export class ResourceLimitsDto {
  @ApiProperty({ type: 'integer' })
  max_concurrent_jobs!: number;
  max_cpu_percent!: number;
  @ApiProperty({ type: 'integer' })
  min_free_memory_mb!: number;
  @ApiProperty({ type: 'integer' })
  min_free_disk_mb!: number;
}

export class ResourcesViewDto {
  /** Null until the first sample has been taken. */
  host!: HostSampleDto | null;
  limits!: ResourceLimitsDto;
  /** Seconds between samples. */
  sample_interval_s!: number;
}
