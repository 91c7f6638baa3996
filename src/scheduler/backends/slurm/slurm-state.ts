import { NativeJobState, NativeJobStatus } from '../../scheduler-backend';

/** SLURM job states (squeue %T, sacct State) onto the backend-neutral status. */
const STATUS_BY_SLURM_STATE: Record<string, NativeJobStatus> = {
  PENDING: 'pending',
  CONFIGURING: 'pending',
  REQUEUED: 'pending',
  REQUEUE_HOLD: 'pending',
  REQUEUE_FED: 'pending',
  RESV_DEL_HOLD: 'pending',
  SPECIAL_EXIT: 'pending',
  SUSPENDED: 'running',
  STOPPED: 'running',
  SIGNALING: 'running',
  RUNNING: 'running',
  COMPLETING: 'running',
  STAGE_OUT: 'running',
  RESIZING: 'running',
  COMPLETED: 'completed',
  FAILED: 'failed',
  NODE_FAIL: 'failed',
  BOOT_FAIL: 'failed',
  OUT_OF_MEMORY: 'failed',
  PREEMPTED: 'failed',
  DEADLINE: 'timed_out',
  TIMEOUT: 'timed_out',
  CANCELLED: 'cancelled',
  REVOKED: 'cancelled',
};

/**
 * Final states in which SLURM itself ended the job: the exit code is not the solver's (sacct prints `0:0` for a
 * node failure, a preemption or a cancel of a job that never ran), so it is reported as null with this reason,
 * identically whether the job was seen live in squeue or recovered from accounting.
 */
const REASON_BY_KILLING_STATE: Record<string, string> = {
  NODE_FAIL: 'node failure (NODE_FAIL): SLURM ended the job and did not requeue it',
  BOOT_FAIL: 'node boot failure (BOOT_FAIL)',
  PREEMPTED: 'preempted (PREEMPTED) and not requeued',
  OUT_OF_MEMORY: 'out of memory (OUT_OF_MEMORY): the job exceeded its memory limit',
  TIMEOUT: 'time limit reached (TIMEOUT): SLURM killed the job',
  DEADLINE: 'deadline reached (DEADLINE): SLURM ended the job',
  CANCELLED: 'cancelled in SLURM (scancel)',
  REVOKED: 'revoked (REVOKED): the federation ran the job elsewhere',
};

/** The reason SLURM gives when the batch script could not be started (its "exit code" is then `0:53`, not a signal). */
export const LAUNCH_FAILURE_REASON = 'SLURM could not launch the batch script (JobLaunchFailure, e.g. its --output file could not be opened)';

/** `CANCELLED by 0` and `CANCELLED+` are sacct's spellings of CANCELLED. */
export function slurmBaseState(state: string): string {
  return state.trim().split(/[\s+]/)[0].toUpperCase();
}

export function slurmStatus(state: string): NativeJobStatus {
  return STATUS_BY_SLURM_STATE[slurmBaseState(state)] ?? 'unknown';
}

/** `3:0` → exit 3; `0:9` (killed by signal 9) → null exit code with the signal. */
export function parseSlurmExitCode(value: string): {
  exitCode: number | null;
  signal?: number;
} {
  const [exit, signal] = value.split(':').map(Number);
  if (signal && signal > 0) {
    return { exitCode: null, signal };
  }
  return { exitCode: Number.isFinite(exit) ? exit : null };
}

/** Signals a job step can really die of; SLURM's launch failure reports 53 in the same field. */
const MAX_STANDARD_SIGNAL = 31;

/**
 * A final SLURM state as the user sees it, from squeue (state + reason, no exit code) or sacct (state + exit code).
 * `exit` is sacct's `code:signal`, or the exit code the batch script recorded, or undefined when neither is known.
 */
export function slurmFinalState(state: string, exit: { exitCode: number | null; signal?: number } | undefined, nativeReason?: string): NativeJobState {
  const base = slurmBaseState(state);
  const status = slurmStatus(state);
  const killed = REASON_BY_KILLING_STATE[base];
  if (killed) {
    return { status, exitCode: null, reason: killed };
  }
  if (nativeReason === 'JobLaunchFailure' || (exit?.signal !== undefined && exit.signal > MAX_STANDARD_SIGNAL)) {
    return { status: 'failed', exitCode: null, reason: LAUNCH_FAILURE_REASON };
  }
  if (exit?.signal) {
    return {
      status: 'failed',
      exitCode: null,
      reason: `killed by signal ${exit.signal}`,
    };
  }
  const exitCode = exit?.exitCode ?? null;
  if (status === 'completed') {
    return exitCode === null || exitCode === 0 ? { status, exitCode: 0 } : { status: 'failed', exitCode, reason: `exit code ${exitCode}` };
  }
  return {
    status,
    exitCode,
    reason: exitCode ? `exit code ${exitCode}` : `SLURM reports ${base}${nativeReason ? ` (${nativeReason})` : ''}`,
  };
}

/** squeue and sacct print times as local `YYYY-MM-DDTHH:MM:SS`, or `N/A` / `Unknown` / `None`. */
export function parseSlurmTime(text: string | undefined): number | undefined {
  if (!text || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/.test(text.trim())) {
    return undefined;
  }
  const ms = new Date(text.trim()).getTime();
  return Number.isFinite(ms) ? ms : undefined;
}

/** True when a final squeue state is one SLURM caused (not the solver's own exit): its exit code is null. */
export function slurmEndedIt(state: NativeJobState): boolean {
  const base = slurmBaseState(state.nativeState ?? '');
  return base in REASON_BY_KILLING_STATE || state.reason === LAUNCH_FAILURE_REASON;
}
