import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SchedulerCli } from '../../cli/scheduler-cli';
import { SlurmBackend } from './slurm.backend';

/**
 * A SLURM CLI for poll(): squeue lists nothing of the task, sacct without slurmdbd fails, and `sacct -c` (the jobcomp
 * file) knows only the jobs in `jobcomp`, by their own job ids, as the real jobcomp/filetxt does.
 */
function cliWithJobcomp(jobcomp: Record<string, string>): { cli: SchedulerCli; calls: string[][] } {
  const calls: string[][] = [];
  const cli = {
    run: async (file: string, args: string[]) => {
      calls.push([file, ...args]);
      if (file === 'squeue') return { stdout: '', stderr: '', exitCode: 0 };
      if (file === 'sacct' && args[0] !== '-c') return { stdout: '', stderr: 'sacct: error: Slurm accounting storage is disabled', exitCode: 1 };
      const ids = args[args.indexOf('-j') + 1].split(',');
      const stdout = ids
        .filter((id) => jobcomp[id])
        .map((id) => `${id}|${jobcomp[id]}|0:15|2026-12-06T22:00:00|2026-12-06T22:01:00`)
        .join('\n');
      return { stdout, stderr: '', exitCode: 0 };
    },
  } as unknown as SchedulerCli;
  return { cli, calls };
}

describe('SLURM array task accounting (jobcomp file, no slurmdbd)', () => {
  let workDir: string;
  beforeEach(() => {
    workDir = mkdtempSync(join(tmpdir(), 'slurm-task-acct-'));
  });
  afterEach(() => rmSync(workDir, { recursive: true, force: true }));

  it('finds a started task that left squeue without an exit status by the job id its script recorded', async () => {
    writeFileSync(join(workDir, 'native_id'), '500_1\n');
    writeFileSync(join(workDir, 'slurm_job_id'), '502\n');
    const { cli, calls } = cliWithJobcomp({ '502': 'CANCELLED by 0' });
    const states = await new SlurmBackend(cli).poll([{ nativeId: '500_1', workDir }]);
    expect(states.get('500_1')).toMatchObject({ status: 'cancelled', exitCode: null });
    expect(calls.find((call) => call[0] === 'sacct' && call[1] === '-c')).toEqual(expect.arrayContaining(['500_1,502']));
  });

  it("does not take the job id an earlier attempt's task recorded (another task in the work dir's native_id)", async () => {
    writeFileSync(join(workDir, 'native_id'), '400_3\n');
    writeFileSync(join(workDir, 'slurm_job_id'), '403\n');
    const { cli, calls } = cliWithJobcomp({ '403': 'COMPLETED' });
    const states = await new SlurmBackend(cli).poll([{ nativeId: '500_1', workDir }]);
    expect(states.get('500_1')?.status).not.toBe('completed');
    expect(calls.filter((call) => call[0] === 'sacct').flat()).not.toContain('500_1,403');
  });
});
