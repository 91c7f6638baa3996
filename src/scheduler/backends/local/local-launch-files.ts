import { open, readdir, readFile } from 'node:fs/promises';
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

/** What a restarted service writes into a launch lock it takes (the supervisor writes its pid, digits only). */
export const SERVICE_LAUNCH_CLAIM = 'claimed by a restarted job manager';

/** Who holds a launch lock: the supervisor (so the solver was started) or the service (so it never will be). */
export type LaunchLockHolder = 'supervisor' | 'service';

/**
 * Takes the launch lock for the service unless it exists, and says who holds it afterwards. The supervisor links its
 * lock into place with its pid already inside, so a lock without digits (the service's, or an empty one left by a
 * service that crashed or ran out of space right after creating it) was never taken by a supervisor.
 */
export async function claimLaunchLock(files: LocalLaunchFiles): Promise<LaunchLockHolder> {
  try {
    const handle = await open(files.lock, 'wx');
    try {
      await handle.writeFile(SERVICE_LAUNCH_CLAIM);
    } catch {
      // A full disk: the empty lock is still ours, and it still stops the supervisor.
    } finally {
      await handle.close();
    }
    return 'service';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw error;
    }
  }
  return /^\d+$/.test((await readFile(files.lock, 'utf8')).trim()) ? 'supervisor' : 'service';
}
