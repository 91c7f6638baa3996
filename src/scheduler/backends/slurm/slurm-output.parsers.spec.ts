import { parseSacctOutput } from './sacct-output.parser';
import { parseSbatchOutput } from './sbatch-output.parser';
import { parseSqueueOutput } from './squeue-output.parser';

// Outputs captured from SLURM 22.05.8 on Debian 12 (shared/notes/slurm-and-gridengine-on-debian.md §3).
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

  it('should map squeue states and keep meaningful reasons', () => {
    const states = parseSqueueOutput(
      '264|PENDING|Resources\n2|RUNNING|None\n3|COMPLETING|None\n4|COMPLETED|None\n5|CANCELLED|None\n6|TIMEOUT|None\n7|FAILED|NonZeroExitCode\n8|WEIRD|None\n\n',
    );
    expect(Object.fromEntries(states)).toEqual({
      '264': { status: 'pending', reason: 'Resources' },
      '2': { status: 'running', reason: undefined },
      '3': { status: 'running', reason: undefined },
      '4': { status: 'completed', reason: undefined },
      '5': { status: 'cancelled', reason: undefined },
      '6': { status: 'timed_out', reason: undefined },
      '7': { status: 'failed', reason: 'NonZeroExitCode' },
      '8': { status: 'unknown', reason: 'unknown SLURM state WEIRD' },
    });
  });

  it('should read final states and exit codes from sacct, with or without slurmdbd', () => {
    const dbd = parseSacctOutput('259|COMPLETED|0:0\n260|FAILED|3:0\n261|CANCELLED by 0|0:0\n262_2|COMPLETED|0:0\n685|TIMEOUT|0:0\n');
    expect(dbd.get('259')).toEqual({ status: 'completed', exitCode: 0, reason: undefined });
    expect(dbd.get('260')).toEqual({ status: 'failed', exitCode: 3, reason: 'exit code 3' });
    expect(dbd.get('261')).toMatchObject({ status: 'cancelled' });
    expect(dbd.get('262_2')).toMatchObject({ status: 'completed' });
    expect(dbd.get('685')).toMatchObject({ status: 'timed_out' });
    const jobcomp = parseSacctOutput('JobID|State|ExitCode\n1|COMPLETED|0:0\n9|FAILED|0:9\n');
    expect(jobcomp.has('JobID')).toBe(false);
    expect(jobcomp.get('1')).toMatchObject({ status: 'completed', exitCode: 0 });
    expect(jobcomp.get('9')).toEqual({ status: 'failed', exitCode: null, reason: 'killed by signal 9' });
    expect(parseSacctOutput('').size).toBe(0);
  });
});
