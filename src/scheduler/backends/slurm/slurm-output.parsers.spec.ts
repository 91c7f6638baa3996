import { parseSacctOutput } from './sacct-output.parser';
import { parseSbatchOutput } from './sbatch-output.parser';
import { LAUNCH_FAILURE_REASON } from './slurm-state';
import { parseSqueueOutput } from './squeue-output.parser';

// Outputs captured from SLURM 22.05.8 on Debian 12 (shared/notes/slurm-and-gridengine-on-debian.md §3), and on the
// CI machine type with faults injected: `scontrol hold`, `sbatch --hold`, `--begin=now+1hour`, `scontrol suspend`,
// `scontrol requeue`, `scontrol update nodename=vm state=down` (with and without --no-requeue), partition down,
// and an --output path that cannot be opened (JobLaunchFailure).
const local = (text: string): number => new Date(text).getTime();

describe('SLURM output parsers', () => {
  it.each([
    ['2\n', '2'],
    ['2;cluster\n', '2'],
    ['Submitted batch job 1\n', '1'],
  ])('should read the job id from sbatch output %j', (stdout, id) => {
    expect(parseSbatchOutput(stdout)).toBe(id);
  });

  it('should refuse sbatch output without a job id', () => {
    expect(() => parseSbatchOutput('sbatch: error: something\n')).toThrow(/sbatch printed no job id/);
  });

  it("should map squeue states and keep SLURM's own state word and reason", () => {
    const states = parseSqueueOutput(
      '264|PENDING|Resources|N/A\n2|RUNNING|None|2026-12-01T17:06:08\n3|COMPLETING|None|2026-12-01T17:06:08\n8|WEIRD|None|N/A\n\n',
    );
    expect(Object.fromEntries(states)).toEqual({
      '264': {
        status: 'pending',
        reason: 'Resources',
        nativeState: 'PENDING',
        nativeReason: 'Resources',
      },
      '2': {
        status: 'running',
        reason: undefined,
        nativeState: 'RUNNING',
        startedAt: local('2026-12-01T17:06:08'),
      },
      '3': {
        status: 'running',
        reason: undefined,
        nativeState: 'COMPLETING',
        startedAt: local('2026-12-01T17:06:08'),
      },
      '8': {
        status: 'unknown',
        reason: 'unknown SLURM state WEIRD',
        nativeState: 'WEIRD',
      },
    });
  });

  it('should show held, delayed, suspended and requeued jobs as SLURM reports them (captured)', () => {
    const held = parseSqueueOutput(
      '9|PENDING|BeginTime|2026-12-01T18:11:14\n8|PENDING|JobHeldUser|N/A\n10|RUNNING|JobHeldAdmin|2026-12-01T17:11:15\n7|SUSPENDED|None|2026-12-01T17:11:15\n13|PENDING|JobHeldAdmin|N/A\n',
    );
    expect(held.get('9')).toEqual({
      status: 'pending',
      reason: 'BeginTime',
      nativeState: 'PENDING',
      nativeReason: 'BeginTime',
    });
    expect(held.get('8')).toMatchObject({
      status: 'pending',
      nativeReason: 'JobHeldUser',
    });
    expect(held.get('13')).toMatchObject({
      status: 'pending',
      nativeReason: 'JobHeldAdmin',
    });
    // scontrol hold on a running job: it keeps running, the hold only stops a requeue from starting it again.
    expect(held.get('10')).toMatchObject({
      status: 'running',
      nativeState: 'RUNNING',
      nativeReason: 'JobHeldAdmin',
    });
    expect(held.get('7')).toEqual({
      status: 'running',
      reason: undefined,
      nativeState: 'SUSPENDED',
      startedAt: local('2026-12-01T17:11:15'),
    });
    // After scontrol requeue (and after a node failure with requeue): pending, held back by BeginTime; the start time is an estimate.
    expect(parseSqueueOutput('7|PENDING|BeginTime|2026-12-01T17:13:20\n').get('7')).toEqual({
      status: 'pending',
      reason: 'BeginTime',
      nativeState: 'PENDING',
      nativeReason: 'BeginTime',
    });
    expect(parseSqueueOutput('13|PENDING|PartitionDown|N/A\n').get('13')).toMatchObject({ nativeReason: 'PartitionDown' });
  });

  it("should report final squeue states with SLURM's reason, never an exit code it did not give", () => {
    const states = parseSqueueOutput(
      '11|NODE_FAIL|NodeDown|2026-12-01T17:11:26\n13|CANCELLED|PartitionDown|2026-12-01T17:11:35\n17|FAILED|JobLaunchFailure|2026-12-01T17:13:13\n6|TIMEOUT|None|2026-12-01T17:11:26\n4|COMPLETED|None|2026-12-01T17:11:26\n7|FAILED|NonZeroExitCode|2026-12-01T17:11:26\n',
    );
    expect(states.get('11')).toEqual({
      status: 'failed',
      reason: expect.stringMatching(/^node failure \(NODE_FAIL\)/),
      nativeState: 'NODE_FAIL',
      nativeReason: 'NodeDown',
    });
    expect(states.get('13')).toMatchObject({
      status: 'cancelled',
      reason: 'cancelled in SLURM (scancel)',
    });
    expect(states.get('17')).toMatchObject({
      status: 'failed',
      reason: LAUNCH_FAILURE_REASON,
      nativeReason: 'JobLaunchFailure',
    });
    expect(states.get('6')).toMatchObject({
      status: 'timed_out',
      reason: expect.stringMatching(/^time limit reached/),
    });
    expect(states.get('4')).toMatchObject({ status: 'completed' });
    expect(states.get('7')).toMatchObject({
      status: 'failed',
      nativeReason: 'NonZeroExitCode',
    });
    for (const state of states.values()) expect(state.exitCode).toBeUndefined();
  });

  it('should read final states, exit codes and times from sacct, with or without slurmdbd', () => {
    const dbd = parseSacctOutput(
      '259|COMPLETED|0:0|2026-12-01T17:06:08|2026-12-01T17:06:13\n260|FAILED|3:0|N/A|N/A\n261|CANCELLED by 0|0:0|2026-12-01T17:06:08|2026-12-01T17:06:26\n262_2|COMPLETED|0:0||\n685|TIMEOUT|0:0||\n',
    );
    expect(dbd.get('259')).toEqual({
      status: 'completed',
      exitCode: 0,
      nativeState: 'COMPLETED',
      startedAt: local('2026-12-01T17:06:08'),
      finishedAt: local('2026-12-01T17:06:13'),
    });
    expect(dbd.get('260')).toEqual({
      status: 'failed',
      exitCode: 3,
      reason: 'exit code 3',
      nativeState: 'FAILED',
    });
    expect(dbd.get('261')).toMatchObject({
      status: 'cancelled',
      exitCode: null,
      reason: 'cancelled in SLURM (scancel)',
      startedAt: local('2026-12-01T17:06:08'),
    });
    expect(dbd.get('262_2')).toMatchObject({ status: 'completed' });
    expect(dbd.get('685')).toMatchObject({
      status: 'timed_out',
      exitCode: null,
    });
    const jobcomp = parseSacctOutput('JobID|State|ExitCode|Start|End\n1|COMPLETED|0:0||\n9|FAILED|0:9||\n');
    expect(jobcomp.has('JobID')).toBe(false);
    expect(jobcomp.get('1')).toMatchObject({
      status: 'completed',
      exitCode: 0,
    });
    expect(jobcomp.get('9')).toEqual({
      status: 'failed',
      exitCode: null,
      reason: 'killed by signal 9',
      nativeState: 'FAILED',
    });
    expect(parseSacctOutput('').size).toBe(0);
  });

  it('should never report "failed, exit code 0" for a job SLURM ended: node failure, launch failure, cancel (captured sacct -c)', () => {
    const states = parseSacctOutput(
      [
        '1|PENDING|0:0|2026-12-01T17:06:08|2026-12-01T17:06:13', // the run a requeue interrupted
        '2|CANCELLED|0:0|2026-12-01T17:06:26|2026-12-01T17:06:26', // held, cancelled before it ever ran
        '1|CANCELLED|0:0|2026-12-01T17:06:26|2026-12-01T17:06:26',
        '11|NODE_FAIL|0:0|2026-12-01T17:11:26|2026-12-01T17:11:28',
        '17|FAILED|0:53|2026-12-01T17:13:13|2026-12-01T17:13:14',
        '18|PREEMPTED|0:0|2026-12-01T17:13:13|2026-12-01T17:13:14',
      ].join('\n'),
    );
    expect(states.get('1')).toMatchObject({
      status: 'cancelled',
      exitCode: null,
    });
    expect(states.get('2')).toEqual({
      status: 'cancelled',
      exitCode: null,
      reason: 'cancelled in SLURM (scancel)',
      nativeState: 'CANCELLED',
      finishedAt: local('2026-12-01T17:06:26'),
    });
    expect(states.get('11')).toMatchObject({
      status: 'failed',
      exitCode: null,
      reason: expect.stringMatching(/^node failure \(NODE_FAIL\)/),
    });
    expect(states.get('17')).toMatchObject({
      status: 'failed',
      exitCode: null,
      reason: LAUNCH_FAILURE_REASON,
    });
    expect(states.get('18')).toMatchObject({
      status: 'failed',
      exitCode: null,
      reason: 'preempted (PREEMPTED) and not requeued',
    });
  });
});
