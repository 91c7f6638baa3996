import { ResourceLimits } from '../config/app-config';

/** One reading of the host: what admission control compares against `ResourceLimits`. */
export interface HostSample {
  sampledAt: number;
  cpuPercent: number;
  cpuCores: number;
  memoryTotalMb: number;
  memoryFreeMb: number;
  diskPath: string;
  diskTotalMb: number;
  diskFreeMb: number;
}

/** Why a new local job may not start now; empty when it may. */
export function admissionBlockers(sample: HostSample | undefined, limits: ResourceLimits, running: number): string[] {
  const reasons: string[] = [];
  if (running >= limits.maxConcurrentJobs) {
    reasons.push(`max_concurrent_jobs reached (${running}/${limits.maxConcurrentJobs})`);
  }
  if (!sample) {
    reasons.push('no host telemetry yet');
    return reasons;
  }
  if (sample.cpuPercent > limits.maxCpuPercent) {
    reasons.push(`CPU load ${sample.cpuPercent.toFixed(1)}% is above max_cpu_percent ${limits.maxCpuPercent}%`);
  }
  if (sample.memoryFreeMb < limits.minFreeMemoryMb) {
    reasons.push(`free memory ${Math.round(sample.memoryFreeMb)} MiB is below min_free_memory_mb ${limits.minFreeMemoryMb}`);
  }
  if (sample.diskFreeMb < limits.minFreeDiskMb) {
    reasons.push(`free disk in ${sample.diskPath} ${Math.round(sample.diskFreeMb)} MiB is below min_free_disk_mb ${limits.minFreeDiskMb}`);
  }
  return reasons;
}
