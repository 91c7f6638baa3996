import { Provider } from '@nestjs/common';
import { cpuPercentBetween, CpuTimes, readCpuTimesAsync, readDiskSpace, readMemory } from './host-readers';
import { SYSTEM_INFORMATION } from './resources.constants';

/**
 * The host readings the telemetry sampler takes. Read from the kernel's counters through Node itself
 * (/proc/stat, or os.cpus() off Linux; /proc/meminfo; statfs), asynchronously, so that a sample never starts a process or blocks the event loop:
 * systeminformation, used before, runs `cat /proc/stat` with execSync on Linux and PowerShell on Windows on
 * every sample. Tests swap in a fake with the same shape.
 */
export interface SystemInformation {
  /** CPU load since the previous call (the first call measures over boot time, like top's first frame). */
  currentLoad(): Promise<{ currentLoad: number; cpus: readonly unknown[] }>;
  mem(): Promise<{ total: number; available: number }>;
  diskSpace(path: string): Promise<{ totalBytes: number; availableBytes: number }>;
}

export function createSystemInformation(): SystemInformation {
  let previous: CpuTimes = { busy: 0, total: 0, cores: 0 };
  return {
    async currentLoad() {
      const now = await readCpuTimesAsync();
      const percent = cpuPercentBetween(previous, now);
      previous = now;
      return { currentLoad: percent, cpus: new Array<null>(now.cores).fill(null) };
    },
    mem: readMemory,
    diskSpace: readDiskSpace,
  };
}

export const systemInformationProvider: Provider = {
  provide: SYSTEM_INFORMATION,
  useFactory: createSystemInformation,
};
