import { NativeJobStatus } from '../../scheduler-backend';

/**
 * LSF job states (bjobs STAT) onto the backend-neutral status, from the bjobs reference
 * (https://www.ibm.com/docs/en/SSWRJV_10.1.0/lsf_command_ref/bjobs.1.html; the Platform LSF 7.3 admin guide's
 * "Job states" list says the same):
 * PEND, PROV (dispatched to a power-saved host waking up), PSUSP (suspended while pending) and WAIT (chunk job
 * member waiting) have not started; RUN, USUSP and SSUSP (suspended while running) have; DONE (exit 0) and EXIT
 * (non-zero exit, killed, or aborted) are final. UNKWN (mbatchd lost contact with the execution host's sbatchd)
 * and ZOMBI (killed while unreachable, or requeued under a new id) say nothing certain: unknown, never guessed.
 */
const STATUS_BY_LSF_STATE: Record<string, NativeJobStatus> = {
  PEND: 'pending',
  PROV: 'pending',
  PSUSP: 'pending',
  WAIT: 'pending',
  RUN: 'running',
  USUSP: 'running',
  SSUSP: 'running',
  DONE: 'completed',
  EXIT: 'failed',
  UNKWN: 'unknown',
  ZOMBI: 'unknown',
};

export function lsfStatus(stat: string): NativeJobStatus {
  return STATUS_BY_LSF_STATE[stat.trim().toUpperCase()] ?? 'unknown';
}

/**
 * The termination reason LSF records for a job that did not end on its own (bjobs `exit_reason`, bhist/bacct
 * `Completed <exit>; TERM_…`): killed by its owner or an administrator (bkill) means cancelled; the run limit
 * (-W) or the termination deadline (-t) means timed out; any other reason (memory limit, host failure, …) failed.
 */
export function statusForTermination(reason: string | undefined): NativeJobStatus | undefined {
  const term = /\bTERM_[A-Z_]+/.exec(reason ?? '')?.[0];
  if (!term) {
    return undefined;
  }
  if (/^TERM_(?:FORCE_)?(?:OWNER|ADMIN)$|^TERM_REQUEUE_(?:OWNER|ADMIN)$/.test(term)) {
    return 'cancelled';
  }
  if (term === 'TERM_RUNLIMIT' || term === 'TERM_DEADLINE') {
    return 'timed_out';
  }
  return 'failed';
}

/**
 * `bjobs -o exit_code` prints `-` until a job exits with a non-zero code (DONE jobs show `-` too); LSF reports a
 * job ended by signal N as 128 + N (LSF 9.1.3 "LSF job exit codes",
 * https://www.hpc.dtu.dk/lsf931/lsf_admin/job_exit_codes_lsf.html: "A job with exit code 130 was terminated with signal 2").
 */
export function parseLsfExitCode(value: string | undefined): number | null {
  const match = /^\s*(\d{1,3})\s*$/.exec(value ?? '');
  return match ? Number(match[1]) : null;
}

/**
 * What the suspended and held states mean (bjobs(1) "Job states"): PSUSP suspended while pending (bstop by its
 * owner or an administrator), USUSP suspended while running by its owner or an administrator, SSUSP suspended by
 * LSF (load, a run window, preemption).
 */
export function describeLsfState(stat: string): string | undefined {
  return (
    {
      PSUSP: 'suspended while pending (bstop; bresume to release)',
      USUSP: 'suspended by its owner or an administrator (bresume to resume)',
      SSUSP: 'suspended by LSF (host load, run window or preemption)',
      PROV: 'waiting for a power-saved host to wake up',
    } as Record<string, string>
  )[stat.trim().toUpperCase()];
}
