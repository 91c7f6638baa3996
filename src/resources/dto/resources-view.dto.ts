/** Host telemetry as last sampled. */
export class HostSampleDto {
  /** When the sample was taken (ISO 8601). */
  sampled_at!: string;
  /** Host CPU load, percent of all cores. */
  cpu_percent!: number;
  cpu_cores!: number;
  memory_total_mb!: number;
  /** Memory available to new processes. */
  memory_free_mb!: number;
  /** The solver temp directory whose filesystem is measured. */
  disk_path!: string;
  disk_total_mb!: number;
  disk_free_mb!: number;
}

/** Admission limits for local jobs (the seed's `ResourceLimits`). */
export class ResourceLimitsDto {
  max_concurrent_jobs!: number;
  max_cpu_percent!: number;
  min_free_memory_mb!: number;
  min_free_disk_mb!: number;
}

export class ResourcesViewDto {
  /** Null until the first sample has been taken. */
  host!: HostSampleDto | null;
  limits!: ResourceLimitsDto;
  /** Seconds between samples. */
  sample_interval_s!: number;
}
