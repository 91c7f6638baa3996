import { ResourceLimits } from '../config/app-config';
import { HostSampleDto, ResourceLimitsDto } from './dto/resources-view.dto';
import { HostSample } from './host-sample';

const round = (value: number): number => Math.round(value * 10) / 10;

export function toHostSampleDto(sample: HostSample): HostSampleDto {
  return {
    sampled_at: new Date(sample.sampledAt).toISOString(),
    cpu_percent: sample.cpuPercent,
    cpu_cores: sample.cpuCores,
    memory_total_mb: round(sample.memoryTotalMb),
    memory_free_mb: round(sample.memoryFreeMb),
    disk_path: sample.diskPath,
    disk_total_mb: round(sample.diskTotalMb),
    disk_free_mb: round(sample.diskFreeMb),
  };
}

export function toResourceLimitsDto(limits: ResourceLimits): ResourceLimitsDto {
  return {
    max_concurrent_jobs: limits.maxConcurrentJobs,
    max_cpu_percent: limits.maxCpuPercent,
    min_free_memory_mb: limits.minFreeMemoryMb,
    min_free_disk_mb: limits.minFreeDiskMb,
  };
}
