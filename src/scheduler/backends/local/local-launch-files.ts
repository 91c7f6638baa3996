import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** Files of one launch attempt of a local job, in `<workDir>/launch-<n>/`. */
export interface LocalLaunchFiles {
  dir: string;
  launch: string;
  supervisor: string;
  lock: string;
  solver: string;
  exit: string;
}

export function launchFiles(workDir: string, attempt: number): LocalLaunchFiles {
  const dir = join(workDir, `launch-${attempt}`);
  return {
    dir,
    launch: join(dir, 'launch.json'),
    supervisor: join(dir, 'supervisor.json'),
    lock: join(dir, 'launch.lock'),
    solver: join(dir, 'solver.json'),
    exit: join(dir, 'exit.json'),
  };
}

/** Highest launch attempt found in the work directory (0 when none). */
export async function latestAttempt(workDir: string): Promise<number> {
  const entries = await readdir(workDir).catch(() => [] as string[]);
  return entries.reduce((latest, name) => {
    const match = /^launch-(\d+)$/.exec(name);
    return match ? Math.max(latest, Number(match[1])) : latest;
  }, 0);
}

/** A local native id is `<supervisor pid>:<its start time>:<attempt>`, so a reused pid is never mistaken for ours. */
export interface LocalNativeId {
  pid: number;
  startTime: string | undefined;
  attempt: number;
}

export function formatLocalNativeId(id: LocalNativeId): string {
  return `${id.pid}:${id.startTime ?? ''}:${id.attempt}`;
}

export function parseLocalNativeId(nativeId: string): LocalNativeId {
  const [pid, startTime, attempt] = nativeId.split(':');
  return { pid: Number(pid), startTime: startTime || undefined, attempt: Number(attempt) };
}
