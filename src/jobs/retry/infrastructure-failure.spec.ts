import { JobRecord } from '../model/job-record';
import { JobStatus } from '../model/job-status';
import { isInfrastructureFailure, wantsAutomaticRetry } from './infrastructure-failure';

const failed = (patch: Partial<JobRecord>, retry?: { max_attempts: number; on_exit_codes?: number[] }): JobRecord =>
  ({ id: 'j', status: JobStatus.FAILED, exitCode: null, error: null, config: { retry }, ...patch }) as unknown as JobRecord;

describe('automatic retries: infrastructure failures only, unless exit codes are listed', () => {
  it('should classify launch failures, lost supervisors, node failures and preemption as infrastructure', () => {
    expect(isInfrastructureFailure('could not start the solver: spawn EACCES')).toBe(true);
    expect(isInfrastructureFailure('the solver supervisor (pid 4) ended without recording an exit status')).toBe(true);
    expect(isInfrastructureFailure(null, 'slurm reports failed (NODE_FAIL)')).toBe(true);
    expect(isInfrastructureFailure('job was PREEMPTED')).toBe(true);
    expect(isInfrastructureFailure('solver exited with code 7')).toBe(false);
    expect(isInfrastructureFailure(null)).toBe(false);
  });

  it('should never retry the solver’s own exit code unless the submission lists it', () => {
    expect(wantsAutomaticRetry(failed({ exitCode: 7, error: 'solver exited with code 7' }, { max_attempts: 3 }), 1, '')).toBe(false);
    expect(wantsAutomaticRetry(failed({ exitCode: 7, error: 'solver exited with code 7' }, { max_attempts: 3, on_exit_codes: [7] }), 1, '')).toBe(true);
    expect(wantsAutomaticRetry(failed({ error: 'could not start the solver: x' }, { max_attempts: 3 }), 1, '')).toBe(true);
  });

  it('should stop at max_attempts, without a policy, and for anything but failed', () => {
    expect(wantsAutomaticRetry(failed({ error: 'could not start the solver: x' }, { max_attempts: 3 }), 3, '')).toBe(false);
    expect(wantsAutomaticRetry(failed({ error: 'could not start the solver: x' }), 1, '')).toBe(false);
    expect(wantsAutomaticRetry(failed({ status: JobStatus.CANCELLED, error: 'could not start the solver: x' }, { max_attempts: 3 }), 1, '')).toBe(false);
  });
});
