import { NativeJobState, NativeJobStatus } from '../../scheduler-backend';

/** What Grid Engine's state letters say, in words, for the job view's scheduler reason. */
function describeGridEngineState(state: string): string | undefined {
  if (state.includes('E')) return 'error state: Grid Engine will not start the job until it is cleared (qmod -cj)';
  if (state.includes('d')) return 'being deleted';
  if (/[sST]/.test(state)) return state.includes('S') ? 'queue suspended' : state.includes('T') ? 'suspended by a threshold' : 'suspended';
  if (state.includes('h')) return 'on hold (qrls to release)';
  if (state.includes('R') && /[qw]/.test(state)) return 'rescheduled (qmod -rj or a failed host): waiting to run again';
  return undefined;
}

/**
 * qstat state letters (qstat(1) "state"): d deleted, E error, h hold, r running, R restarted, s/S/T suspended,
 * t transferring, w waiting, q queued. A job in `E` (e.g. `Eqw`) will not run until an operator clears it.
 * The letters themselves are kept as the native state (`qw`, `hqw`, `Rq`, `r`, `s`, `Eqw`, …).
 */
export function gridEngineStatus(state: string): NativeJobState {
  const nativeReason = describeGridEngineState(state);
  const native = {
    nativeState: state,
    ...(nativeReason ? { nativeReason } : {}),
  };
  if (state.includes('E')) {
    return {
      status: 'pending',
      reason: `error state ${state}: Grid Engine will not start the job until it is cleared (qstat -j <id> shows why; qmod -cj <id>)`,
      ...native,
    };
  }
  if (state.includes('h') && !state.includes('r')) {
    return { status: 'pending', reason: `on hold (${state})`, ...native };
  }
  if (/[rtsST]/.test(state)) {
    return {
      status: 'running',
      reason: state.includes('d') ? 'being deleted' : /[sST]/.test(state) ? `suspended (${state})` : undefined,
      ...native,
    };
  }
  if (/[qw]/.test(state)) {
    return { status: 'pending', ...native };
  }
  return {
    status: 'unknown',
    reason: `unknown Grid Engine state ${state}`,
    ...native,
  };
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
    return {
      status: 'failed',
      exitCode: exitStatus,
      reason: `exit code ${exitStatus}`,
    };
  }
  if (failed === 37) {
    return {
      status: 'timed_out',
      exitCode: null,
      reason: 'qmaster enforced a limit (h_rt, h_cpu or h_vmem)',
    };
  }
  if (failed === 100 && exitStatus > 128) {
    return {
      status: 'cancelled',
      exitCode: null,
      reason: `killed by signal ${exitStatus - 128} (qdel or a hard limit)`,
    };
  }
  const status: NativeJobStatus = 'failed';
  return {
    status,
    exitCode: null,
    reason: `Grid Engine failure code ${failed} (exit status ${exitStatus}); see accounting(5)`,
  };
}
