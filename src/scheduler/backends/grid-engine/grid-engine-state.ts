import { NativeJobState, NativeJobStatus } from '../../scheduler-backend';

/**
 * qstat state letters (qstat(1) "state"): d deleted, E error, h hold, r running, R restarted, s/S/T suspended,
 * t transferring, w waiting, q queued. A job in `E` (e.g. `Eqw`) will not run until an operator clears it.
 */
export function gridEngineStatus(state: string): NativeJobState {
  if (state.includes('E')) {
    return {
      status: 'pending',
      reason: `error state ${state}: Grid Engine will not start the job until it is cleared (qstat -j <id> shows why; qmod -cj <id>)`,
    };
  }
  if (state.includes('h') && !state.includes('r')) {
    return { status: 'pending', reason: `on hold (${state})` };
  }
  if (/[rtsST]/.test(state)) {
    return { status: 'running', reason: state.includes('d') ? 'being deleted' : /[sST]/.test(state) ? `suspended (${state})` : undefined };
  }
  if (/[qw]/.test(state)) {
    return { status: 'pending' };
  }
  return { status: 'unknown', reason: `unknown Grid Engine state ${state}` };
}

/**
 * A finished job's accounting record (accounting(5) `failed` and `exit_status`) onto a final state. failed 0 means
 * the job script ran; exit_status is its status (128+signal when killed). failed 100 "assumedly after job" with
 * 137 is the SIGKILL of qdel (or of a hard limit); 37 is a limit enforced by qmaster.
 */
export function gridEngineFinalState(failed: number, exitStatus: number): NativeJobState {
  if (failed === 0 && exitStatus === 0) {
    return { status: 'completed', exitCode: 0 };
  }
  if (failed === 0) {
    return { status: 'failed', exitCode: exitStatus, reason: `exit code ${exitStatus}` };
  }
  if (failed === 37) {
    return { status: 'timed_out', exitCode: null, reason: 'qmaster enforced a limit (h_rt, h_cpu or h_vmem)' };
  }
  if (failed === 100 && exitStatus > 128) {
    return { status: 'cancelled', exitCode: null, reason: `killed by signal ${exitStatus - 128} (qdel or a hard limit)` };
  }
  const status: NativeJobStatus = 'failed';
  return { status, exitCode: null, reason: `Grid Engine failure code ${failed} (exit status ${exitStatus}); see accounting(5)` };
}
