import { execFile } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ProcessPlatform } from './process-platform';
import {
  creationTimeQueryArgv,
  creationTimeWmicArgv,
  descendantsOf,
  parseCreationTime,
  parseProcessList,
  processListArgv,
  processListWmicArgv,
  taskkillArgv,
} from './windows-commands';

/** Runs a command without a shell and resolves with its stdout, or undefined when it could not run or failed. */
export type CommandRunner = (file: string, args: readonly string[]) => Promise<string | undefined>;

const execFileRunner: CommandRunner = (file, args) =>
  new Promise((resolve) => {
    execFile(file, [...args], { windowsHide: true, timeout: 30_000, encoding: 'buffer' }, (error, stdout) => resolve(error ? undefined : decodeReply(stdout)));
  });

function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Command output as text: wmic writes UTF-16LE (with or without a byte order mark), the rest the console code page. */
export function decodeReply(bytes: Buffer): string {
  const utf16 = (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes.length > 1 && bytes[1] === 0 && bytes[0] !== 0);
  return (utf16 ? bytes.toString('utf16le') : bytes.toString('latin1')).replace(/^\uFEFF/, '');
}

/** How long a creation-time check holds before the next one (a query starts a process, so never once per poll). */
export const CREATION_TIME_RECHECK_MS = 60_000;

/**
 * Windows: no process groups, no /proc, no POSIX signals (Node's SIGTERM is TerminateProcess). A solve's tree is
 * snapshotted by parent id (one process listing per cancel), asked to close with `taskkill /T`, and whatever of the
 * snapshot or the live tree remains after the grace is ended with `taskkill /T /F`. Creation times are read at launch
 * and re-checked at most every CREATION_TIME_RECHECK_MS per pid, not per poll: in between, `process.kill(pid, 0)`.
 */
export class WindowsProcessPlatform implements ProcessPlatform {
  readonly name = 'windows';
  private readonly verified = new Map<number, { startTime: string; at: number }>();

  constructor(
    private readonly run: CommandRunner = execFileRunner,
    private readonly exists: (pid: number) => boolean = pidExists,
    private readonly now: () => number = Date.now,
  ) {}

  async startTime(pid: number): Promise<string | undefined> {
    const powershell = parseCreationTime((await this.run('powershell.exe', creationTimeQueryArgv(pid))) ?? '');
    return powershell ?? parseCreationTime((await this.run('wmic.exe', creationTimeWmicArgv(pid))) ?? '');
  }

  async isAlive(pid: number, startTime?: string): Promise<boolean> {
    if (!this.exists(pid)) {
      this.verified.delete(pid);
      return false;
    }
    if (startTime === undefined) {
      return true;
    }
    const seen = this.verified.get(pid);
    if (seen && seen.startTime === startTime && this.now() - seen.at < CREATION_TIME_RECHECK_MS) {
      return true;
    }
    const actual = await this.startTime(pid);
    if (actual === undefined) {
      // The query is unavailable or the process just ended: the existence check is all there is.
      return this.exists(pid);
    }
    if (actual !== startTime) {
      return false;
    }
    this.verified.set(pid, { startTime, at: this.now() });
    return true;
  }

  /**
   * The graceful request goes to the whole tree; after the grace the descendants are forced first, so the root (the
   * supervisor) sees its solver end and records the exit before it is forced too, if it has not ended by then.
   */
  async killTree(rootPid: number, graceMs: number): Promise<void> {
    const snapshot = await this.tree(rootPid);
    await this.run('taskkill.exe', taskkillArgv([rootPid], false));
    await this.waitUntilGone(snapshot, graceMs);
    const descendants = snapshot.filter((pid) => pid !== rootPid && this.exists(pid));
    if (descendants.length > 0) {
      await this.forceKill(descendants);
      await this.waitUntilGone([rootPid], Math.max(graceMs, 2_000));
    }
    for (let attempt = 0; attempt < 20; attempt++) {
      const remaining = [...new Set([...snapshot, ...(await this.tree(rootPid))])].filter((pid) => this.exists(pid));
      if (remaining.length === 0) {
        return;
      }
      await this.forceKill(remaining);
      await sleep(50);
    }
  }

  /** `taskkill /F /T` on `pids`; when that fails (a pid already gone, or a taskkill without /T), each pid alone. */
  private async forceKill(pids: readonly number[]): Promise<void> {
    if ((await this.run('taskkill.exe', taskkillArgv(pids, true))) === undefined) {
      await this.run('taskkill.exe', taskkillArgv(pids, true, false));
    }
  }

  private async waitUntilGone(pids: readonly number[], ms: number): Promise<void> {
    const deadline = this.now() + ms;
    while (this.now() < deadline && pids.some((pid) => this.exists(pid))) {
      await sleep(50);
    }
  }

  /** The root and its descendants now; just the root when no process listing can be had. */
  private async tree(rootPid: number): Promise<number[]> {
    if (!this.exists(rootPid)) {
      return [];
    }
    // A reply without rows counts as none: Wine ships a powershell.exe stub that succeeds and prints nothing.
    const listing = parseProcessList((await this.run('powershell.exe', processListArgv())) ?? '', false);
    const rows = listing.length > 0 ? listing : parseProcessList((await this.run('wmic.exe', processListWmicArgv())) ?? '', true);
    return rows.length === 0 ? [rootPid] : descendantsOf(rootPid, rows);
  }
}
