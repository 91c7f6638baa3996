import { JobRecord } from '../model/job-record';
import { JobStatus } from '../model/job-status';

/** Emitted after a job's new state is on disk. */
export class JobStateChangedEvent {
  constructor(
    readonly job: JobRecord,
    /** Null for a newly created job. */
    readonly previousStatus: JobStatus | null,
    readonly detail: string,
  ) {}
}
