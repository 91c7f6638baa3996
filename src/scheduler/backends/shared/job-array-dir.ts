import { rm, symlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** Next to the cluster work root's `jobs/`: one directory per job array (its script, its task links). */
export const JOB_ARRAYS_DIR = 'job-arrays';

/** An array's own dir (its script and task links), beside the jobs' dirs: `<work root>/job-arrays/<array name>`. */
export function jobArrayDir(workDir: string, arrayName: string): string {
  // The name is the service's own (hfss-array-<uuid>), read back from the store: anything else is never a path here.
  if (!/^hfss-array-[0-9a-f-]{36}$/.test(arrayName)) throw new Error(`Not a job array name: ${arrayName}`);
  return join(dirname(dirname(workDir)), JOB_ARRAYS_DIR, arrayName);
}

/**
 * One link per task in the array's dir, `<prefix><n>` → the work dir of the job task n runs (n from `firstTask`: 0 on
 * SLURM, 1 on Grid Engine), through which the scheduler writes each task's output into its own job's work dir.
 */
export async function linkArrayTasks(arrayDir: string, prefix: string, firstTask: number, workDirs: readonly string[]): Promise<void> {
  await Promise.all(workDirs.map((workDir, index) => symlink(workDir, join(arrayDir, `${prefix}${firstTask + index}`), 'dir')));
}

/** The array's dir (its script and task links; rm does not follow the links into the jobs' dirs). */
export async function removeJobArrayDir(arrayName: string, workDir: string): Promise<void> {
  await rm(jobArrayDir(workDir, arrayName), { recursive: true, force: true });
}
