import { cpus, freemem, totalmem } from 'node:os';
import { readFile, statfs } from 'node:fs/promises';

/** Cumulative CPU time counters of the whole host (ms), summed over its cores, as os.cpus() reports them. */
export interface CpuTimes {
  busy: number;
  total: number;
  cores: number;
}

export function readCpuTimes(): CpuTimes {
  let busy = 0;
  let total = 0;
  const all = cpus();
  for (const { times } of all) {
    const sum = times.user + times.nice + times.sys + times.irq + times.idle;
    total += sum;
    busy += sum - times.idle;
  }
  return { busy, total, cores: all.length };
}

/**
 * The per-core `cpuN` lines of /proc/stat (user nice system idle iowait irq softirq steal, in clock ticks), summed as
 * top does: idle and iowait are idle, the rest busy. Undefined when the text has no such line.
 */
export function parseProcStatCpu(text: string): CpuTimes | undefined {
  let busy = 0;
  let total = 0;
  let cores = 0;
  for (const line of text.split('\n')) {
    if (!/^cpu\d+ /.test(line)) continue;
    const [user, nice, system, idle, iowait = 0, irq = 0, softirq = 0, steal = 0] = line.split(/\s+/).slice(1, 9).map(Number);
    const lineBusy = user + nice + system + irq + softirq + steal;
    busy += lineBusy;
    total += lineBusy + idle + iowait;
    cores++;
  }
  return cores > 0 && Number.isFinite(total) ? { busy, total, cores } : undefined;
}

/**
 * The host's CPU counters without blocking the event loop: /proc/stat read asynchronously on Linux (os.cpus() reads
 * /proc/stat, /proc/cpuinfo and every core's cpufreq files synchronously), os.cpus() elsewhere.
 */
export async function readCpuTimesAsync(): Promise<CpuTimes> {
  if (process.platform === 'linux') {
    const parsed = parseProcStatCpu(await readFile('/proc/stat', 'utf8').catch(() => ''));
    if (parsed) return parsed;
  }
  return readCpuTimes();
}

/** Percentage of CPU time spent busy between two readings; 0 when no time passed. */
export function cpuPercentBetween(before: CpuTimes, after: CpuTimes): number {
  const total = after.total - before.total;
  return total > 0 ? Math.min(100, Math.max(0, ((after.busy - before.busy) / total) * 100)) : 0;
}

/** `MemAvailable` and `MemTotal` from /proc/meminfo text, in bytes; undefined when absent (old kernels). */
export function parseMeminfo(text: string): { total: number; available: number } | undefined {
  const kib = (key: string): number | undefined => {
    const match = new RegExp(`^${key}:\\s+(\\d+) kB$`, 'm').exec(text);
    return match ? Number(match[1]) * 1024 : undefined;
  };
  const total = kib('MemTotal');
  const available = kib('MemAvailable');
  return total !== undefined && available !== undefined ? { total, available } : undefined;
}

/**
 * Memory that new work can use: MemAvailable on Linux (free memory alone ignores reclaimable page cache), the
 * operating system's free memory elsewhere (Windows, macOS). Reads a file, never starts a process.
 */
export async function readMemory(): Promise<{ total: number; available: number }> {
  if (process.platform === 'linux') {
    const parsed = parseMeminfo(await readFile('/proc/meminfo', 'utf8').catch(() => ''));
    if (parsed) return parsed;
  }
  return { total: totalmem(), available: freemem() };
}

/** Size and free space of the filesystem that holds `path` (statfs(2); GetDiskFreeSpaceEx on Windows). */
export async function readDiskSpace(path: string): Promise<{ totalBytes: number; availableBytes: number }> {
  const stats = await statfs(path);
  return { totalBytes: stats.blocks * stats.bsize, availableBytes: stats.bavail * stats.bsize };
}
