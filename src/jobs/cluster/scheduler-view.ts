import { NativeJobState } from '../../scheduler/scheduler-backend';
import { JobPatch, JobRecord } from '../model/job-record';

/** The scheduler's own state and reason, and the run number, that differ from what the job record holds. */
export function schedulerViewChanges(job: JobRecord, state: NativeJobState): Pick<JobPatch, 'schedulerState' | 'schedulerReason' | 'run'> {
  const changes: Pick<JobPatch, 'schedulerState' | 'schedulerReason' | 'run'> = {};
  const schedulerState = state.nativeState ?? null;
  const schedulerReason = state.nativeReason ?? null;
  if (schedulerState !== job.schedulerState) changes.schedulerState = schedulerState;
  if (schedulerReason !== job.schedulerReason) changes.schedulerReason = schedulerReason;
  if (state.run !== undefined && state.run > job.run) changes.run = state.run;
  return changes;
}

/** "SLURM says PENDING (JobHeldAdmin)" for the job's event log. */
export function describeSchedulerState(kind: string, state: NativeJobState): string {
  const word = state.nativeState ?? state.status;
  return `${kind} reports ${word}${state.nativeReason ? ` (${state.nativeReason})` : state.reason ? ` (${state.reason})` : ''}`;
}
