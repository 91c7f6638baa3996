import { NativeJobStatus } from '../../scheduler-backend';

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

/** `CANCELLED by 0` and `CANCELLED+` are sacct's spellings of CANCELLED. */
export function slurmStatus(state: string): NativeJobStatus {
  const base = state.trim().split(/[\s+]/)[0].toUpperCase();
  return STATUS_BY_SLURM_STATE[base] ?? 'unknown';
}

/** `3:0` → exit 3; `0:9` (killed by signal 9) → null exit code with the signal as reason. */
export function parseSlurmExitCode(value: string): { exitCode: number | null; signal?: number } {
  const [exit, signal] = value.split(':').map(Number);
  if (signal && signal > 0) {
    return { exitCode: null, signal };
  }
  return { exitCode: Number.isFinite(exit) ? exit : null };
}
