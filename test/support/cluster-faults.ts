import { execFileSync } from 'node:child_process';

/** Runs a scheduler admin command (argv, no shell) and returns its output; throws with its stderr on failure. */
export function admin(command: string, args: string[]): string {
  return execFileSync(command, args, {
    stdio: 'pipe',
    timeout: 30_000,
  }).toString();
}

/** Like admin(), but a failure is returned instead of thrown (restoring the cluster must never stop half-way). */
export function tryAdmin(command: string, args: string[]): string {
  try {
    return admin(command, args);
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: Buffer; stderr?: Buffer };
    return stdout || stderr ? `${stdout?.toString() ?? ''}${stderr?.toString() ?? ''}` : String(error);
  }
}

/** The single SLURM node of the CI cluster. */
export function slurmNode(): string {
  return admin('sinfo', ['-h', '-o', '%n']).split('\n')[0].trim();
}

/** How many jobs SLURM lists under a name (at most one may exist per jobid). */
export function slurmJobsNamed(name: string): number {
  return admin('squeue', ['-h', '-t', 'all', '-n', name, '-o', '%i']).split('\n').filter(Boolean).length;
}

/** How many jobs Grid Engine lists under a name (qstat -xml, the service user's jobs). */
export function gridEngineJobsNamed(name: string): number {
  return [...admin('qstat', ['-xml']).matchAll(/<JB_name>([^<]*)<\/JB_name>/g)].filter((match) => match[1] === name).length;
}
