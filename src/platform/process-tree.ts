import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

interface ProcStat {
  pid: number;
  state: string;
  ppid: number;
  pgid: number;
  startTime: string;
}

/** Fields of /proc/<pid>/stat; the command name may contain spaces and parentheses, so split after the last ')'. */
export function parseProcStat(text: string): ProcStat | undefined {
  const close = text.lastIndexOf(')');
  if (close < 0) {
    return undefined;
  }
  const fields = text.slice(close + 2).split(' ');
  return {
    pid: Number(text.slice(0, text.indexOf(' '))),
    state: fields[0],
    ppid: Number(fields[1]),
    pgid: Number(fields[2]),
    startTime: fields[19],
  };
}

function readStat(pid: number): ProcStat | undefined {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

const hasProc = process.platform === 'linux';

/** Boot-relative start time of a process, to tell it apart from a later process that reuses its pid. */
export function processStartTime(pid: number): string | undefined {
  return hasProc ? readStat(pid)?.startTime : undefined;
}

/** True while the process exists, is not a zombie and (when given) started at `startTime`. */
export function isProcessAlive(pid: number, startTime?: string): boolean {
  if (hasProc) {
    const stat = readStat(pid);
    return stat !== undefined && stat.state !== 'Z' && (startTime === undefined || stat.startTime === startTime);
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function allProcesses(): ProcStat[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map((name) => readStat(Number(name)))
    .filter((stat): stat is ProcStat => stat !== undefined && stat.state !== 'Z');
}

/** The root, every descendant, and every member of the root's process group (children re-parented to init included). */
export function processTree(rootPid: number): number[] {
  if (!hasProc) {
    return [rootPid];
  }
  const processes = allProcesses();
  const children = new Map<number, number[]>();
  const tree = new Set<number>([rootPid]);
  for (const proc of processes) {
    children.set(proc.ppid, [...(children.get(proc.ppid) ?? []), proc.pid]);
    if (proc.pgid === rootPid) {
      tree.add(proc.pid);
    }
  }
  const pending = [...tree];
  while (pending.length > 0) {
    for (const child of children.get(pending.pop()!) ?? []) {
      if (!tree.has(child)) {
        tree.add(child);
        pending.push(child);
      }
    }
  }
  const living = new Set(processes.map((proc) => proc.pid));
  return [...tree].filter((pid) => living.has(pid));
}

function signal(pids: number[], groupLeader: number, name: NodeJS.Signals): void {
  for (const target of [-groupLeader, ...pids]) {
    try {
      process.kill(target, name);
    } catch {
      // already gone
    }
  }
}

/**
 * Ends a whole process tree: SIGTERM to the group and every descendant, then SIGKILL to whatever is still
 * alive after `graceMs`. Resolves when no process of the tree is left.
 */
export async function killProcessTree(rootPid: number, graceMs: number): Promise<void> {
  let tree = processTree(rootPid);
  signal(tree, rootPid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    tree = tree.filter((pid) => isProcessAlive(pid));
    if (tree.length === 0) {
      return;
    }
    await sleep(50);
  }
  for (let attempt = 0; attempt < 20; attempt++) {
    tree = [...new Set([...tree, ...processTree(rootPid)])].filter((pid) => isProcessAlive(pid));
    if (tree.length === 0) {
      return;
    }
    signal(tree, rootPid, 'SIGKILL');
    await sleep(50);
  }
}
