import { JobRecord } from '../model/job-record';

/**
 * Emitted once for a batch submission, after its jobs are durable, instead of one JobStateChangedEvent per job
 * (each of these jobs was created as queued, previous status null). Listeners that publish per job spread the work
 * over several event-loop turns (JobEventsGateway) so that 10,000 jobs do not block the loop.
 */
export class JobsSubmittedEvent {
  constructor(
    readonly jobs: readonly JobRecord[],
    readonly detail: string,
  ) {}
}
