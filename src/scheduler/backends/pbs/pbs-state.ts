import { NativeJobState } from '../../scheduler-backend';

/**
 * PBS job_state letters (qstat(1B)): Q queued, H held, W waiting, T transit, S/U suspended, R running, E exiting,
 * B array begun, F finished (PBS Pro history), X finished subjob, M moved, C completed (Torque).
 * Exit_status: the script's exit code; > 256 means killed by signal (Exit_status - 256, e.g. 271 = SIGTERM from
 * qdel); negative values are PBS's own failures (JOB_EXEC_*), e.g. -1 could not start, -11 walltime... per site.
 */
export function pbsState(jobState: string, exitStatus: number | undefined): NativeJobState {
  switch (jobState) {
    case 'Q':
    case 'W':
    case 'T':
    case 'M':
      return { status: 'pending' };
    case 'H':
      return { status: 'pending', reason: 'held (qrls to release)' };
    case 'R':
    case 'E':
    case 'B':
      return { status: 'running' };
    case 'S':
    case 'U':
      return { status: 'running', reason: `suspended (${jobState})` };
    case 'F':
    case 'X':
    case 'C':
      return pbsFinalState(exitStatus);
    default:
      return { status: 'unknown', reason: `unknown PBS job_state ${jobState}` };
  }
}

export function pbsFinalState(exitStatus: number | undefined): NativeJobState {
  if (exitStatus === undefined) {
    return { status: 'failed', exitCode: null, reason: 'finished without an Exit_status' };
  }
  if (exitStatus === 0) {
    return { status: 'completed', exitCode: 0 };
  }
  if (exitStatus > 256) {
    return { status: 'cancelled', exitCode: null, reason: `killed by signal ${exitStatus - 256} (qdel or a limit)` };
  }
  if (exitStatus < 0) {
    return { status: 'failed', exitCode: null, reason: `PBS could not run the job (Exit_status ${exitStatus}, JOB_EXEC_* code)` };
  }
  return { status: 'failed', exitCode: exitStatus, reason: `exit code ${exitStatus}` };
}
