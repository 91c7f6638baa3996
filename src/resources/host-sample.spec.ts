import { admissionBlockers, HostSample } from './host-sample';

const limits = { maxConcurrentJobs: 2, maxCpuPercent: 80, minFreeMemoryMb: 1024, minFreeDiskMb: 2048 };
const healthy: HostSample = {
  sampledAt: 0,
  cpuPercent: 10,
  cpuCores: 2,
  memoryTotalMb: 24_000,
  memoryFreeMb: 20_000,
  diskPath: '/tmp',
  diskTotalMb: 100_000,
  diskFreeMb: 50_000,
};

describe('admissionBlockers', () => {
  it('should admit when every reading is within the limits', () => {
    expect(admissionBlockers(healthy, limits, 1)).toEqual([]);
  });

  it.each([
    ['concurrency', healthy, 2, /max_concurrent_jobs reached \(2\/2\)/],
    ['cpu', { ...healthy, cpuPercent: 95.5 }, 0, /CPU load 95.5% is above max_cpu_percent 80%/],
    ['memory', { ...healthy, memoryFreeMb: 512 }, 0, /free memory 512 MiB is below min_free_memory_mb 1024/],
    ['disk', { ...healthy, diskFreeMb: 100 }, 0, /free disk in \/tmp 100 MiB is below min_free_disk_mb 2048/],
  ])('should block on %s and say why', (_name, sample, running, message) => {
    const reasons = admissionBlockers(sample, limits, running);
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toMatch(message);
  });

  it('should block until the first sample arrives', () => {
    expect(admissionBlockers(undefined, limits, 0)).toEqual(['no host telemetry yet']);
  });
});
