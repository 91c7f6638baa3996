import { NativeJobState } from '../../scheduler-backend';
import { parseSlurmExitCode, parseSlurmTime, slurmBaseState, slurmFinalState, slurmStatus } from './slurm-state';

/** The sacct fields the backend asks for (`sacct -X -n -P -o <this>`, or `sacct -c …` from the jobcomp file). */
export const SACCT_FIELDS = 'JobID,State,ExitCode,Start,End';

/**
 * Parses `sacct -X -n -P -o JobID,State,ExitCode,Start,End` (or `sacct -c …`, whose header line is skipped). A job
 * that was requeued has one record per run; the last one wins. Records of runs that did not end the job (PENDING,
 * REQUEUED) are ignored.
 */
export function parseSacctOutput(stdout: string): Map<string, NativeJobState> {
  const states = new Map<string, NativeJobState>();
  for (const line of stdout.split('\n')) {
    const [id, state, exit, start, end] = line.trim().split('|');
    if (!id || !state || !/^\d+(?:_\d+)?$/.test(id)) {
      continue;
    }
    const status = slurmStatus(state);
    if (status === 'pending' || status === 'running') {
      continue;
    }
    const final = status === 'unknown' ? { status, reason: `unknown SLURM state ${state}` } : slurmFinalState(state, parseSlurmExitCode(exit ?? ''));
    // A job cancelled while pending has Start = End = the cancel time: it never started.
    const startedAt = final.status === 'cancelled' && start === end ? undefined : parseSlurmTime(start);
    const finishedAt = parseSlurmTime(end);
    states.set(id, {
      ...final,
      nativeState: slurmBaseState(state),
      ...(startedAt === undefined ? {} : { startedAt }),
      ...(finishedAt === undefined ? {} : { finishedAt }),
    });
  }
  return states;
}
