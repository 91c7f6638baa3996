import { SchedulerType } from '../../simulation/scheduler-type.enum';
import { resubmitDelay, waitingReason } from './pending-submission';

describe('pending submissions', () => {
  it('should wait one poll interval after the first unreachable attempt, then double up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6].map((attempts) => resubmitDelay(15_000, 120_000, attempts))).toEqual([15_000, 30_000, 60_000, 120_000, 120_000, 120_000]);
  });

  it('should say what the job waits for, with the scheduler message and the countdown', () => {
    const reason = waitingReason(
      SchedulerType.SLURM,
      {
        phase: 'not_reached',
        failedAttempts: 2,
        lookups: 0,
        nextAttemptAt: 31_000,
        lastMessage: 'sbatch: error: Batch job submission failed: Unable to contact slurm controller (connect failure)\n',
      },
      1_000,
    );
    expect(reason).toBe(
      'waiting for slurm: scheduler unreachable (sbatch: error: Batch job submission failed: Unable to contact slurm controller (connect failure)); attempt 2 failed, next attempt in 30 s',
    );
  });

  it('should say a job with an unknown outcome is looked up before any new submission', () => {
    expect(
      waitingReason(
        SchedulerType.GRID_ENGINE,
        { phase: 'outcome_unknown', failedAttempts: 0, lookups: 1, nextAttemptAt: 0, lastMessage: 'qsub did not answer within 30 s' },
        0,
      ),
    ).toBe('waiting for grid_engine: submission outcome unknown (qsub did not answer within 30 s); looking the job up by name before any new submission');
  });

  it('should keep long messages to one short line', () => {
    const reason = waitingReason(
      SchedulerType.PBS,
      { phase: 'outcome_unknown', failedAttempts: 0, lookups: 0, nextAttemptAt: 0, lastMessage: `a\n${'x'.repeat(500)}` },
      0,
    );
    expect(reason).not.toContain('\n');
    expect(reason.length).toBeLessThan(320);
  });
});
