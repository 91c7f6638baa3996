import { ValidationFailedError } from '../../common/errors/job-manager.errors';
import { JobRecord } from '../model/job-record';
import { JobAttemptsRepository } from './job-attempts.repository';

/** The job as the log endpoint should read it for `?attempt=n`: an earlier attempt's kept log, or the current one. */
export function withAttemptLog(job: JobRecord, attempts: JobAttemptsRepository, attempt?: number): { job: JobRecord; attempt: number } {
  const current = attempts.currentAttempt(job.id);
  if (attempt === undefined || attempt === current) return { job, attempt: current };
  const earlier = attempts.list(job.id).find((record) => record.attempt === attempt);
  if (!earlier) throw new ValidationFailedError(`Job ${job.id} has no attempt ${attempt}; its attempts are 1 to ${current}`);
  return { job: { ...job, logPath: earlier.logPath }, attempt };
}
