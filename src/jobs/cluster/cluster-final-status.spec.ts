import { JobStatus } from '../model/job-status';
import { clusterFinalStatus } from './cluster-final-status';

describe('final status of a cluster job', () => {
  it('should report what the scheduler says when nobody asked to cancel', () => {
    expect(clusterFinalStatus({ status: 'failed', exitCode: 3, reason: 'exit code 3' }, 'none')).toEqual({ status: JobStatus.FAILED, error: 'exit code 3' });
    expect(clusterFinalStatus({ status: 'cancelled', reason: 'CANCELLED by 1000' }, 'none')).toEqual({
      status: JobStatus.CANCELLED,
      error: 'CANCELLED by 1000',
    });
  });

  it('should keep a completed job completed even if a cancel was asked for or delivered', () => {
    expect(clusterFinalStatus({ status: 'completed', exitCode: 0 }, 'requested').status).toBe(JobStatus.COMPLETED);
    expect(clusterFinalStatus({ status: 'completed', exitCode: 0 }, 'delivered').status).toBe(JobStatus.COMPLETED);
  });

  it('should count a failure after the scheduler accepted the cancel as the cancel (LSF EXIT, PBS 271)', () => {
    expect(clusterFinalStatus({ status: 'failed', exitCode: 130 }, 'delivered')).toEqual({ status: JobStatus.CANCELLED, error: 'cancelled on request' });
  });

  it('should keep a job that failed by itself before the cancel reached the scheduler failed', () => {
    expect(clusterFinalStatus({ status: 'failed', exitCode: 3, reason: 'exit code 3' }, 'requested')).toEqual({
      status: JobStatus.FAILED,
      error: 'exit code 3; it ended by itself before the cancel reached the scheduler',
    });
    expect(clusterFinalStatus({ status: 'timed_out', reason: 'TIMEOUT' }, 'requested').status).toBe(JobStatus.TIMED_OUT);
    expect(clusterFinalStatus({ status: 'cancelled' }, 'requested')).toEqual({ status: JobStatus.CANCELLED, error: 'cancelled on request' });
  });
});
