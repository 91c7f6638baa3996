import { SchedulerCommandFailedError } from '../../cli/scheduler-command.errors';
import { NativeJobState } from '../../scheduler-backend';
import { pbsState } from './pbs-state';

interface QstatJsonJob {
  job_state?: string;
  Exit_status?: number;
  Job_Name?: string;
}

/**
 * Parses `qstat -x -f -F json id…` (PBS Professional 19+ / OpenPBS):
 *   {"timestamp":…, "pbs_version":"…", "pbs_server":"…", "Jobs": {"1234.server": {"job_state":"F", "Exit_status":0, …}}}
 * "Jobs" is absent when none of the ids is known.
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
    if (job.job_state) states.set(id, pbsState(job.job_state, job.Exit_status));
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
