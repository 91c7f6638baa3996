import { JobRecord } from '../model/job-record';
import { JobStatus } from '../model/job-status';

/**
 * Failures of the machinery around the solver, never of the solve itself: the solver could not be launched, its
 * supervisor vanished without an exit status, or a cluster reported a node failure, preemption or boot failure
 * (in the error, or in the transition's detail once the scheduler state is recorded there).
 */
const INFRASTRUCTURE_MARKERS: readonly RegExp[] = [
  /could not start the solver/i,
  /ended without recording an exit status/i,
  /could not tell whether the interrupted launch started/i,
  /\bNODE_FAIL\b|\bnode fail(ure|ed)\b/i,
  /\bPREEMPT(ED|ION)?\b/i,
  /\bBOOT_FAIL\b/i,
];

export function isInfrastructureFailure(error: string | null, detail = ''): boolean {
  const text = `${error ?? ''}\n${detail}`;
  return INFRASTRUCTURE_MARKERS.some((marker) => marker.test(text));
}

/** Whether the job's retry policy asks for another attempt after this failed one (attempt = the one that ended). */
export function wantsAutomaticRetry(job: JobRecord, attempt: number, detail: string): boolean {
  const policy = job.config.retry;
  if (!policy || job.status !== JobStatus.FAILED || attempt >= policy.max_attempts) return false;
  if (isInfrastructureFailure(job.error, detail)) return true;
  return job.exitCode !== null && (policy.on_exit_codes ?? []).includes(job.exitCode);
}
