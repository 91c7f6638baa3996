import { SchedulerCommandFailedError } from '../../cli/scheduler-command.errors';
import { NativeJobState } from '../../scheduler-backend';
import { pbsState } from './pbs-state';

interface QstatJsonJob {
  job_state?: string;
  Exit_status?: number;
  Job_Name?: string;
  /** The scheduler's note on the job, e.g. "Not Running: Insufficient amount of resource: ncpus" or "Job held by root". */
  comment?: string;
  /** Start time of the current run (`Tue Dec  1 17:11:44 2026`, server local time). */
  stime?: string;
  /** Times the job was run (PBS Pro: run_count, incremented by every (re)start). */
  run_count?: number;
}

/**
 * Parses `qstat -x -f -F json id…` (PBS Professional 19+ / OpenPBS):
 *   {"timestamp":…, "pbs_version":"…", "pbs_server":"…", "Jobs": {"1234.server": {"job_state":"F", "Exit_status":0, …}}}
 * "Jobs" is absent when none of the ids is known. job_state is kept as the native state and `comment` (the
 * scheduler's note: why a job does not run, who held it) as its reason; `stime` is the current run's start and
 * `run_count` the number of runs (PBS Professional Reference Guide, "Job Attributes").
 */
export function parseQstatJson(stdout: string): Map<string, NativeJobState> {
  let document: { Jobs?: Record<string, QstatJsonJob> };
  try {
    document = JSON.parse(stdout) as typeof document;
  } catch {
    throw new SchedulerCommandFailedError('qstat', 0, `unreadable qstat -F json output: ${stdout.slice(0, 200)}`);
  }
  const states = new Map<string, NativeJobState>();
  for (const [id, job] of Object.entries(document.Jobs ?? {})) {
    if (!job.job_state) continue;
    const state = pbsState(job.job_state, job.Exit_status);
    const startedAt = job.stime && state.status !== 'pending' ? Date.parse(job.stime) : Number.NaN;
    states.set(id, {
      ...state,
      nativeState: job.job_state,
      ...(job.comment ? { nativeReason: job.comment } : {}),
      ...(Number.isFinite(startedAt) ? { startedAt } : {}),
      ...(typeof job.run_count === 'number' && job.run_count > 0 ? { run: job.run_count } : {}),
    });
  }
  return states;
}

/** qstat exits 153 when some ids are unknown (an answer) — but also on other errors; true for the first kind only. */
export function onlyUnknownPbsJobs(stderr: string): boolean {
  return stderr
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .every((line) => /^qstat: Unknown Job Id \S+$/.test(line));
}
