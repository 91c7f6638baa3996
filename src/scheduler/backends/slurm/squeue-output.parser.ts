import { NativeJobState } from '../../scheduler-backend';
import { slurmStatus } from './slurm-state';

/** The squeue format the backend asks for: job id, state, reason. */
export const SQUEUE_FORMAT = '%i|%T|%r';

/** Parses `squeue -h -t all -j ids -o '%i|%T|%r'`; reasons other than None are kept. */
export function parseSqueueOutput(stdout: string): Map<string, NativeJobState> {
  const states = new Map<string, NativeJobState>();
  for (const line of stdout.split('\n')) {
    const [id, state, reason] = line.trim().split('|');
    if (!id || !state) {
      continue;
    }
    const status = slurmStatus(state);
    const detail = reason && reason !== 'None' ? reason : undefined;
    states.set(id, { status, reason: status === 'unknown' ? `unknown SLURM state ${state}` : detail });
  }
  return states;
}
