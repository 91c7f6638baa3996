/**
 * Pure parts of the Windows process platform: the argument vectors of the commands it runs and the parsers of their
 * replies, so they are unit-tested on any host. Every value is a number checked here; nothing is shell-interpolated.
 */

function checkedPid(pid: number): string {
  if (!Number.isSafeInteger(pid) || pid <= 0) {
    throw new RangeError(`not a process id: ${pid}`);
  }
  return String(pid);
}

/**
 * `taskkill /T` ends the trees of `pids`; without /F it asks (WM_CLOSE), with /F it terminates. Without `tree`
 * only the listed pids (Wine's taskkill refuses /T; the caller lists the snapshot of the tree itself).
 */
export function taskkillArgv(pids: readonly number[], force: boolean, tree = true): string[] {
  return [...(force ? ['/F'] : []), ...(tree ? ['/T'] : []), ...pids.flatMap((pid) => ['/PID', checkedPid(pid)])];
}

const POWERSHELL = ['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-Command'];

/** PowerShell printing a process's creation time as UTC FILETIME ticks (one number), nothing when it is gone. */
export function creationTimeQueryArgv(pid: number): string[] {
  return [...POWERSHELL, `(Get-CimInstance Win32_Process -Filter 'ProcessId=${checkedPid(pid)}').CreationDate.ToFileTimeUtc()`];
}

/** The same through wmic, for hosts without PowerShell (Wine, older servers); CreationDate as a CIM datetime. */
export function creationTimeWmicArgv(pid: number): string[] {
  return ['process', 'where', `ProcessId=${checkedPid(pid)}`, 'get', 'CreationDate'];
}

/**
 * The creation time in a reply of either query, as an opaque string compared for equality: PowerShell's ticks, or
 * wmic's `yyyymmddHHMMSS.mmmmmm+UUU`. Undefined when the reply holds none (process gone, query unavailable).
 */
export function parseCreationTime(reply: string): string | undefined {
  const ticks = /^\s*(\d{15,20})\s*$/m.exec(reply);
  if (ticks) {
    return ticks[1];
  }
  const cim = /(\d{14}\.\d{6}[+-]\d{3})/.exec(reply);
  return cim?.[1];
}

/** PowerShell listing every process as `pid,ppid` lines, for the tree snapshot taken before a cancel. */
export function processListArgv(): string[] {
  return [...POWERSHELL, 'Get-CimInstance Win32_Process | ForEach-Object { "$($_.ProcessId),$($_.ParentProcessId)" }'];
}

export function processListWmicArgv(): string[] {
  return ['process', 'get', 'ParentProcessId,ProcessId'];
}

/**
 * `pid`/`ppid` pairs of either listing: PowerShell's `pid,ppid` lines, or wmic's columns `ParentProcessId ProcessId`
 * (alphabetical, whitespace-aligned). Lines that are not two numbers (headers, blanks) are skipped.
 */
export function parseProcessList(reply: string, wmic: boolean): Array<{ pid: number; ppid: number }> {
  const rows: Array<{ pid: number; ppid: number }> = [];
  for (const line of reply.split(/\r?\n/)) {
    const fields = line.trim().split(wmic ? /\s+/ : ',');
    if (fields.length !== 2 || !fields.every((field) => /^\d+$/.test(field))) {
      continue;
    }
    const [first, second] = fields.map(Number);
    rows.push(wmic ? { ppid: first, pid: second } : { pid: first, ppid: second });
  }
  return rows;
}

/** The root and its descendants by parent id (Windows has no process groups; orphans keep their old parent id). */
export function descendantsOf(rootPid: number, processes: ReadonlyArray<{ pid: number; ppid: number }>): number[] {
  const children = new Map<number, number[]>();
  for (const proc of processes) {
    if (proc.pid !== proc.ppid) {
      children.set(proc.ppid, [...(children.get(proc.ppid) ?? []), proc.pid]);
    }
  }
  const tree = new Set<number>([rootPid]);
  const pending = [rootPid];
  while (pending.length > 0) {
    for (const child of children.get(pending.pop()!) ?? []) {
      if (!tree.has(child)) {
        tree.add(child);
        pending.push(child);
      }
    }
  }
  return [...tree];
}
