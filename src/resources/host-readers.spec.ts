import * as childProcess from 'node:child_process';
import { cpus } from 'node:os';
import { cpuPercentBetween, parseMeminfo, parseProcStatCpu, readCpuTimes, readCpuTimesAsync } from './host-readers';
import { createSystemInformation } from './system-information.provider';

// Captured on the CI machine type (Debian 12, 24 GiB).
const MEMINFO = `MemTotal:       24568640 kB
MemFree:        20931116 kB
MemAvailable:   23180204 kB
Buffers:          180124 kB
Cached:          2267944 kB
SwapCached:            0 kB
`;

describe('host readers', () => {
  it('should read MemAvailable and MemTotal from /proc/meminfo in bytes', () => {
    expect(parseMeminfo(MEMINFO)).toEqual({ total: 24568640 * 1024, available: 23180204 * 1024 });
  });

  it('should give up on meminfo without MemAvailable rather than guess', () => {
    expect(parseMeminfo('MemTotal: 100 kB\nMemFree: 50 kB\n')).toBeUndefined();
  });

  it('should compute the busy share of CPU time between two readings', () => {
    expect(cpuPercentBetween({ busy: 100, total: 1000, cores: 2 }, { busy: 400, total: 2000, cores: 2 })).toBe(30);
    expect(cpuPercentBetween({ busy: 5, total: 10, cores: 2 }, { busy: 5, total: 10, cores: 2 })).toBe(0);
  });

  it('should sum the per-core lines of /proc/stat, idle and iowait as idle, and ignore the aggregate line', () => {
    const stat = 'cpu  300 0 60 500 20 0 10 10 0 0\ncpu0 100 0 20 200 10 0 5 5 0 0\ncpu1 200 0 40 300 10 0 5 5 0 0\nintr 1 2 3\n';
    expect(parseProcStatCpu(stat)).toEqual({ busy: 380, total: 900, cores: 2 });
    expect(parseProcStatCpu('intr 1 2 3\n')).toBeUndefined();
  });

  (process.platform === 'linux' ? it : it.skip)('should read the CPU counters on Linux without os.cpus() (synchronous reads of every core)', async () => {
    const cores = cpus().length;
    // The module object itself (a namespace import would be a copy that the readers do not call through).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const spy = jest.spyOn(require('node:os') as typeof import('node:os'), 'cpus');
    try {
      const times = await readCpuTimesAsync();
      expect(times.cores).toBe(cores);
      expect(spy).not.toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
  });

  it('should count every core', () => {
    expect(readCpuTimes().cores).toBe(cpus().length);
  });

  it('should sample CPU, memory and disk of the real host without starting any process', async () => {
    const spawned = [
      jest.spyOn(childProcess, 'spawn'),
      jest.spyOn(childProcess, 'exec'),
      jest.spyOn(childProcess, 'execSync'),
      jest.spyOn(childProcess, 'execFile'),
      jest.spyOn(childProcess, 'spawnSync'),
    ];
    const host = createSystemInformation();
    await host.currentLoad();
    const burnUntil = Date.now() + 50;
    while (Date.now() < burnUntil) {
      // keep one core busy so the second reading sees load
    }
    const load = await host.currentLoad();
    const memory = await host.mem();
    const disk = await host.diskSpace(__dirname);
    expect(load.currentLoad).toBeGreaterThan(0);
    expect(load.currentLoad).toBeLessThanOrEqual(100);
    expect(load.cpus).toHaveLength(cpus().length);
    expect(memory.available).toBeGreaterThan(0);
    expect(memory.available).toBeLessThanOrEqual(memory.total);
    expect(disk.totalBytes).toBeGreaterThan(disk.availableBytes);
    for (const spy of spawned) {
      expect(spy).not.toHaveBeenCalled();
      spy.mockRestore();
    }
  });
});
