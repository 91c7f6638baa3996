import { NativeJobState } from '../../scheduler/scheduler-backend';
import { JobStatus } from './job-status';

/** Why the job manager itself ended a running job. */
export type StopReason = 'cancel' | 'timeout' | 'shutdown';

/** The terminal status of a job from how its process ended and whether we stopped it. */
export function finalStatusFor(
  state: NativeJobState,
  stopReason: StopReason | undefined,
  timeoutSeconds?: number,
): { status: JobStatus; error: string | null } {
  if (state.status === 'completed') {
    return { status: JobStatus.COMPLETED, error: null };
  }
  switch (stopReason) {
    case 'timeout':
      return { status: JobStatus.TIMED_OUT, error: `timed out after ${timeoutSeconds} s; the process tree was killed` };
    case 'cancel':
      return { status: JobStatus.CANCELLED, error: 'cancelled on request' };
    case 'shutdown':
      return { status: JobStatus.CANCELLED, error: 'cancelled by shutdown: still running when the drain window ended' };
    case undefined:
      break;
  }
  if (state.status === 'cancelled') {
    return { status: JobStatus.CANCELLED, error: state.reason ?? 'cancelled outside the job manager' };
  }
  if (state.status === 'timed_out') {
    return { status: JobStatus.TIMED_OUT, error: state.reason ?? 'timed out' };
  }
  return { status: JobStatus.FAILED, error: state.reason ?? 'failed' };
}
