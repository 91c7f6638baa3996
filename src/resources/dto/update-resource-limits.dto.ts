import { IsInt, IsNumber, Max, Min } from 'class-validator';
import { OptionalNullRejected } from '../../common/validation/null-policy';

/** New admission limits for local jobs; omitted fields keep their value. Lasts until the service restarts. */
export class UpdateResourceLimitsDto {
  /** Local solves at once. */
  @OptionalNullRejected('leave the field out to keep the current value')
  @IsInt()
  @Min(1)
  @Max(1024)
  max_concurrent_jobs?: number;

  /** No new local solve while host CPU load is above this percentage (100 disables the check). */
  @OptionalNullRejected('leave the field out to keep the current value')
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(1)
  @Max(100)
  max_cpu_percent?: number;

  /** No new local solve while free memory is below this many MiB. */
  @OptionalNullRejected('leave the field out to keep the current value')
  @IsInt()
  @Min(0)
  @Max(16_777_216)
  min_free_memory_mb?: number;

  /** No new local solve while free disk in the solver temp directory is below this many MiB. */
  @OptionalNullRejected('leave the field out to keep the current value')
  @IsInt()
  @Min(0)
  @Max(1_073_741_824)
  min_free_disk_mb?: number;
}
