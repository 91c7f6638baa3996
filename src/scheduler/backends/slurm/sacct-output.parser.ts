import { NativeJobState } from '../../scheduler-backend';
import { parseSlurmExitCode, slurmStatus } from './slurm-state';

/** Parses `sacct -X -n -P -o JobID,State,ExitCode` (or `sacct -c …`, whose header line is skipped). */
export function parseSacctOutput(stdout: string): Map<string, NativeJobState> {
  const states = new Map<string, NativeJobState>();
  for (const line of stdout.split('\n')) {
    const [id, state, exit] = line.trim().split('|');
    if (!id || !state || !/^\d+(?:_\d+)?$/.test(id)) {
      continue;
    }
    const status = slurmStatus(state);
    const { exitCode, signal } = parseSlurmExitCode(exit ?? '');
    const reason = signal ? `killed by signal ${signal}` : status === 'failed' && exitCode ? `exit code ${exitCode}` : undefined;
    states.set(id, { status: signal && status === 'completed' ? 'failed' : status, exitCode, reason });
  }
  return states;
}
