import { statfs } from 'node:fs/promises';
import { Provider } from '@nestjs/common';
import * as si from 'systeminformation';
import { SYSTEM_INFORMATION } from './resources.constants';

/**
 * The host readings the telemetry sampler takes: CPU and memory from systeminformation, and the free space of
 * the exact filesystem holding a path from statfs(2) (systeminformation's fsSize lists only local mounts and
 * would miss a tmpfs or network scratch directory). Tests swap in a fake with the same shape.
 */
export interface SystemInformation extends Pick<typeof si, 'currentLoad' | 'mem'> {
  diskSpace(path: string): Promise<{ totalBytes: number; availableBytes: number }>;
}

export async function diskSpace(path: string): Promise<{ totalBytes: number; availableBytes: number }> {
  const stats = await statfs(path);
  return { totalBytes: stats.blocks * stats.bsize, availableBytes: stats.bavail * stats.bsize };
}

export const systemInformationProvider: Provider = {
  provide: SYSTEM_INFORMATION,
  useValue: { currentLoad: si.currentLoad, mem: si.mem, diskSpace } satisfies SystemInformation,
};
