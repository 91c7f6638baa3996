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

/**
 * The earliest moment (ms since the epoch) a requeued SLURM job may be released early (`scontrol update JobId=N
 * StartTime=now`), given `requeuedAt`: Date.now() once `scontrol requeue` (or whatever requeued it) had returned.
 *
 * A requeue kills the running job, and slurmd revokes the job's credentials as of the second slurmctld sent that
 * kill (22.05: `kill_job_msg.time = time(NULL)`, `slurm_cred_revoke(…, req->time, …)`). A launch credential created
 * in that same second is refused (`ctime <= revoked`): slurmd logs "error: Job N already killed, do not launch batch
 * job", slurmctld "Killing non-startable batch JobId=N: Job credential revoked", and the job ends FAILED (exit 1),
 * for good. SLURM guards against this itself by holding the requeued job until now + CredExpire + 1 (PENDING,
 * BeginTime: 121 s here); an early release lifts that guard, so it must wait for the next wall-clock second.
 */
export function slurmRequeueReleasableAt(requeuedAt: number): number {
  return (Math.floor(requeuedAt / 1000) + 1) * 1000;
}
