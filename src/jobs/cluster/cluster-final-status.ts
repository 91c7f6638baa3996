import { NativeJobState } from '../../scheduler/scheduler-backend';
import { finalStatusFor } from '../model/final-status';
import { JobStatus } from '../model/job-status';

/** Where a cancel of a cluster job stood when the scheduler reported its end. */
export type CancelProgress = 'none' | 'requested' | 'delivered';

/**
 * The truthful final state of a cluster job: what the scheduler reports, with a cancel counted only when it
 * reached the scheduler. A job that completed is completed, whatever was asked; one that failed by itself before
 * the cancel was delivered (the scheduler was down) is failed with its exit code. A failure reported after the
 * scheduler accepted the cancel is the cancel's doing (LSF and PBS report a killed job as EXIT / non-zero).
 */
export function clusterFinalStatus(state: NativeJobState, cancel: CancelProgress): { status: JobStatus; error: string | null } {
  if (cancel === 'none' || state.status === 'completed') {
    return finalStatusFor(state, undefined);
  }
  if (state.status === 'cancelled' || cancel === 'delivered') {
    return { status: JobStatus.CANCELLED, error: 'cancelled on request' };
  }
  const ended = finalStatusFor(state, undefined);
  return { ...ended, error: `${ended.error ?? state.status}; it ended by itself before the cancel reached the scheduler` };
}
