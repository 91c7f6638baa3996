import { isProcessAlive, killProcessTree, processStartTime } from './process-tree';
import type { ProcessPlatform } from './process-platform';

/** Linux and other POSIX hosts: /proc start times, SIGTERM then SIGKILL to the process group and every descendant. */
export class PosixProcessPlatform implements ProcessPlatform {
  readonly name = 'posix';

  startTime(pid: number): Promise<string | undefined> {
    return Promise.resolve(processStartTime(pid));
  }

  isAlive(pid: number, startTime?: string): Promise<boolean> {
    return Promise.resolve(isProcessAlive(pid, startTime));
  }

  killTree(rootPid: number, graceMs: number): Promise<void> {
    return killProcessTree(rootPid, graceMs);
  }
}
