import { NativeJobState, TERMINAL_NATIVE_STATUSES } from '../../scheduler-backend';
import { parseSlurmTime, slurmFinalState, slurmStatus } from './slurm-state';

/** The squeue format the backend asks for: job id, state, reason, start time (actual once running, expected while pending). */
export const SQUEUE_FORMAT = '%i|%T|%r|%S';

/**
 * Parses `squeue -h -t all -j ids -o '%i|%T|%r|%S'`. The state word and the reason (other than `None`) are kept as
 * SLURM printed them (`PENDING`/`JobHeldAdmin`, `SUSPENDED`, `PENDING`/`BeginTime` after a requeue); the start time
 * only counts while the job runs (pending: SLURM's estimate; cancelled while pending: the cancel time). squeue lists final jobs without an exit code.
 */
export function parseSqueueOutput(stdout: string): Map<string, NativeJobState> {
  const states = new Map<string, NativeJobState>();
  for (const line of stdout.split('\n')) {
    const [id, state, reason, start] = line.trim().split('|');
    if (!id || !state) {
      continue;
    }
    const status = slurmStatus(state);
    const nativeReason = reason && reason !== 'None' ? reason : undefined;
    const native = {
      nativeState: state,
      ...(nativeReason ? { nativeReason } : {}),
    };
    const startedAt = status === 'running' ? parseSlurmTime(start) : undefined;
    const timing = startedAt === undefined ? {} : { startedAt };
    if (TERMINAL_NATIVE_STATUSES.has(status)) {
      const final = slurmFinalState(state, undefined, nativeReason);
      states.set(id, {
        status: final.status,
        reason: final.reason,
        ...native,
        ...timing,
      });
    } else {
      states.set(id, {
        status,
        reason: status === 'unknown' ? `unknown SLURM state ${state}` : nativeReason,
        ...native,
        ...timing,
      });
    }
  }
  return states;
}
