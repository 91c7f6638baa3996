import { AppConfig } from '../../../config/app-config';
import { jobEnvironment } from '../../environment/job-environment';
import { serviceProcessEnvironment } from '../../../config/process-environment';

/** What a renderer needs besides the job itself: decided by the service, not by the client. */
export interface SubmissionContext {
  /**
   * The job's environment, name → value (see jobEnvironment): the only variables the scheduler is told to pass
   * from the submission environment to the job. The POSIX backends list the names (the scheduler command runs with
   * those values); HPC Pack gets `/env:name=value`.
   */
  environment: Readonly<Record<string, string>>;
}

/** A context passing nothing from the submission environment (tests; a site that passes nothing). */
export const EMPTY_SUBMISSION_CONTEXT: SubmissionContext = { environment: {} };

/** The names of the job's environment, comma-separated as sbatch, qsub and bsub take them; empty when none. */
export function environmentNameList(context: SubmissionContext): string {
  return Object.keys(context.environment).join(',');
}

/**
 * The context of a submission made now: the job environment from the service's current environment, the built-in
 * allow-list and the operator's HFSS_JM_JOB_ENV_PASSTHROUGH (none without a config, as in unit tests).
 */
export function currentSubmissionContext(config: Pick<AppConfig, 'jobEnvironment'> | undefined, platform: 'posix' | 'windows' = 'posix'): SubmissionContext {
  return { environment: jobEnvironment(config?.jobEnvironment.passthrough ?? [], serviceProcessEnvironment(), platform) };
}
