import { SchedulerFailureError } from '../common/errors/job-manager.errors';

/**
 * How a failed submission ended, decided by the backend from its scheduler's own messages (per-scheduler
 * classification tables), so that the generic runner never inspects CLI errors:
 * - `rejected`: the scheduler answered and said no. Nothing exists; the job fails with the scheduler's message.
 * - `not_reached`: the scheduler could not be contacted; nothing was created. The job stays queued for submission
 *   and is submitted again with back-off.
 * - `outcome_unknown`: the request may have reached the scheduler (any timeout, whichever side hit it; the client
 *   killed by a signal). The job must be looked up (by name and by recorded id) before it is ever submitted again.
 */
export type SubmissionFailureKind = 'rejected' | 'not_reached' | 'outcome_unknown';

export abstract class SubmissionFailureError extends SchedulerFailureError {
  abstract readonly kind: SubmissionFailureKind;

  /** The scheduler's own message (stderr of the client command), for the job's error and the golden tests. */
  constructor(
    message: string,
    readonly schedulerMessage = '',
  ) {
    super(message);
  }
}

export class SubmissionRejectedError extends SubmissionFailureError {
  readonly kind = 'rejected';
}

export class SchedulerUnreachableError extends SubmissionFailureError {
  readonly kind = 'not_reached';
}

export class SubmissionOutcomeUnknownError extends SubmissionFailureError {
  readonly kind = 'outcome_unknown';
}

/**
 * The scheduler refused a job array as such (SLURM: `Invalid job array specification`, e.g. more tasks than its
 * MaxArraySize): its jobs may well be accepted one by one, and are submitted so.
 */
export class JobArrayRefusedError extends SubmissionRejectedError {}
