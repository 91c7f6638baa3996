import { classifyFailedSubmit } from '../shared/submission-failure.classifier';
import { SLURM_SUBMISSION_FAILURES } from './slurm-submission-failures';

// Captured from slurm-wlm 22.05.8 on Debian 12 on the CI machine, with slurmctld stopped or SIGSTOPped (2026-12-01).
describe('SLURM submission failure table', () => {
  it.each([
    ['slurmctld stopped', 1, 'sbatch: error: Batch job submission failed: Unable to contact slurm controller (connect failure)\n', 'not_reached'],
    [
      'slurmctld SIGSTOPped (sbatch MessageTimeout; the job was created and ran)',
      1,
      'sbatch: error: Batch job submission failed: Socket timed out on send/recv operation\n',
      'outcome_unknown',
    ],
    ['controller answer cut', 1, 'sbatch: error: Batch job submission failed: Zero Bytes were transmitted or received\n', 'outcome_unknown'],
    [
      'MaxJobCount reached',
      1,
      'sbatch: error: Slurm temporarily unable to accept job, sleeping and retrying\nsbatch: error: Batch job submission failed: Resource temporarily unavailable\n',
      'not_reached',
    ],
    ['bad partition', 1, 'sbatch: error: Batch job submission failed: Invalid partition name specified\n', 'rejected'],
    ['impossible request (EnforcePartLimits)', 1, 'sbatch: error: Batch job submission failed: Requested node configuration is not available\n', 'rejected'],
  ])('%s', (_case, exitCode, output, kind) => {
    expect(classifyFailedSubmit({ command: 'sbatch', exitCode, output }, SLURM_SUBMISSION_FAILURES)).toBe(kind);
  });
});
