import { SubmissionFailureRule } from '../shared/submission-failure.classifier';

/**
 * How a failed `sbatch` ended, from its message (SLURM's slurm_strerror texts). Captured from slurm-wlm 22.05
 * on Debian 12 with faults injected (src/scheduler/backends/slurm/slurm-submission-failures.spec.ts has them):
 *   slurmctld stopped    → `sbatch: error: Batch job submission failed: Unable to contact slurm controller (connect failure)` (rc 1, after ~9 s of retries)
 *   slurmctld SIGSTOPped → `sbatch: error: Batch job submission failed: Socket timed out on send/recv operation` (rc 1, after MessageTimeout)
 * Everything else is the controller's own refusal (invalid partition, account, limits): rejected.
 */
export const SLURM_SUBMISSION_FAILURES: readonly SubmissionFailureRule[] = [
  // The request may have been read and the job created before the answer was lost.
  { kind: 'outcome_unknown', pattern: /Socket timed out on send\/recv operation/i },
  { kind: 'outcome_unknown', pattern: /Zero Bytes were transmitted or received/i },
  { kind: 'outcome_unknown', pattern: /Communication connection failure/i },
  // No connection was ever made: nothing was created.
  { kind: 'not_reached', pattern: /Unable to contact slurm controller/i },
  { kind: 'not_reached', pattern: /Unable to establish controller machine/i },
  { kind: 'not_reached', pattern: /Connection refused/i },
  // slurmctld refused to queue for now (EAGAIN, e.g. MaxJobCount reached): nothing was created.
  { kind: 'not_reached', pattern: /Resource temporarily unavailable|Slurm temporarily unable to accept job/i },
];
