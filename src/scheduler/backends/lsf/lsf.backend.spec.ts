import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSimulationConfig } from '../../../simulation/simulation-config.validation';
import { CommandOptions, CommandResult, SchedulerCli } from '../../cli/scheduler-cli';
import { SchedulerCommandFailedError } from '../../cli/scheduler-command.errors';
import { BJOBS_FORMAT } from './bjobs-output.parser';
import { BJOBS_PENDING_REASON_FORMAT } from './bjobs-pending-reason.parser';
import { BHIST_EVENT_LOG_FILES, LSF_SCRIPT_FILE, LsfBackend } from './lsf.backend';

type Reply = Partial<CommandResult>;

/** A SchedulerCli that answers from a script, applying acceptExitCodes like the real one, and records every call. */
function scriptedCli(replies: Record<string, Reply | ((args: readonly string[]) => Reply)>) {
  const calls: Array<{
    command: string;
    args: readonly string[];
    options: CommandOptions;
  }> = [];
  const cli = {
    run: async (command: string, args: readonly string[], options: CommandOptions = {}): Promise<CommandResult> => {
      calls.push({ command, args, options });
      const reply = replies[command];
      const { stdout = '', stderr = '', exitCode = 0 } = typeof reply === 'function' ? reply(args) : (reply ?? {});
      if (exitCode !== 0 && !(options.acceptExitCodes ?? []).includes(exitCode)) {
        throw new SchedulerCommandFailedError(command, exitCode, stderr || stdout);
      }
      return { stdout, stderr, exitCode };
    },
  };
  return { cli: cli as unknown as SchedulerCli, calls };
}

const workDir = (exitCode?: number): string => {
  const dir = mkdtempSync(join(tmpdir(), 'lsf-backend-'));
  if (exitCode !== undefined) writeFileSync(join(dir, 'exit_code'), `${exitCode}\n`);
  return dir;
};

describe('LsfBackend', () => {
  it("should submit the script on bsub's stdin with name and paths as arguments", async () => {
    const { cli, calls } = scriptedCli({
      bsub: { stdout: 'Job <4711> is submitted to default queue <normal>.\n' },
    });
    const dir = workDir();
    const spec = {
      jobId: 'job_1',
      config: parseSimulationConfig({
        project_path: '/p/a.aedt',
        scheduler_type: 'lsf',
      }),
      argv: ['/ansys/ansysedt', '-batchsolve', '/p/a.aedt'],
      workDir: dir,
      logPath: join(dir, 'solver.log'),
    };
    expect(await new LsfBackend(cli).submit(spec)).toEqual({
      nativeId: '4711',
      workDir: dir,
    });
    expect(calls).toHaveLength(1);
    expect(calls[0].args).toEqual(['-J', 'job_1', '-cwd', dir, '-o', `${dir}/lsf.%J.out`, '-env', expect.stringMatching(/^[A-Z_,]+$/)]);
    expect(calls[0].options).toMatchObject({ cwd: dir, input: readFileSync(join(dir, LSF_SCRIPT_FILE), 'utf8') });
    expect(calls[0].options.input).toMatch(/^#!\/bin\/bash\n#BSUB -W 24:00\n/);
  });

  it('should poll every job with one bjobs call and settle vanished jobs from their exit-code file, then one bhist call', async () => {
    const refs = [
      { nativeId: '1', workDir: workDir() },
      { nativeId: '2', workDir: workDir(3) },
      { nativeId: '3', workDir: workDir(0) },
      { nativeId: '4', workDir: workDir() },
      { nativeId: '5', workDir: workDir() },
      { nativeId: '6', workDir: workDir() },
      { nativeId: '7', workDir: workDir() },
    ];
    const { cli, calls } = scriptedCli({
      bjobs: (args) =>
        args.includes(BJOBS_PENDING_REASON_FORMAT)
          ? { stdout: '5|The queue is inactivated by the administrator;\n' }
          : {
              stdout: '1|RUN|-|-\n2|EXIT|3|-\n4|EXIT|130|TERM_OWNER: job killed by owner\n5|PEND|-|-\n',
              stderr: 'Job <3> is not found\nJob <6> is not found\nJob <7> is not found\n',
              exitCode: 255,
            },
      bhist: {
        stdout:
          'Job <6>, User <u>, Project <default>, Command <x>\nMon Oct  1 11:14:04: Submitted from host <h>, to Queue <normal>, CWD </j>;\nMon Oct  1 11:15:00: Signal <KILL> requested by user or administrator <u>;\nMon Oct  1 11:15:01: Exited by signal 2. The CPU time used is 0.1 seconds;\nMon Oct  1 11:15:01: Completed <exit>; TERM_OWNER: job killed by owner.\n',
        stderr: '',
        exitCode: 0,
      },
    });
    const states = await new LsfBackend(cli).poll(refs);
    expect(calls.map((call) => [call.command, ...call.args])).toEqual([
      ['bjobs', '-a', '-noheader', '-o', BJOBS_FORMAT, '1', '2', '3', '4', '5', '6', '7'],
      // The pending reason is asked for the job that has not started only.
      ['bjobs', '-noheader', '-o', BJOBS_PENDING_REASON_FORMAT, '5'],
      ['bhist', '-a', '-l', '-n', String(BHIST_EVENT_LOG_FILES), '6', '7'],
    ]);
    expect(Object.fromEntries(states)).toEqual({
      '1': { status: 'running', reason: undefined, nativeState: 'RUN' },
      '2': { status: 'failed', exitCode: 3, reason: 'exit code 3' },
      '3': { status: 'completed', exitCode: 0, reason: undefined },
      '4': {
        status: 'cancelled',
        exitCode: 130,
        reason: 'TERM_OWNER: job killed by owner',
        nativeState: 'EXIT',
        nativeReason: 'TERM_OWNER: job killed by owner',
      },
      '5': {
        status: 'pending',
        reason: 'pending: The queue is inactivated by the administrator',
        nativeState: 'PEND',
        nativeReason: 'The queue is inactivated by the administrator',
      },
      '6': {
        status: 'cancelled',
        exitCode: 130,
        reason: 'TERM_OWNER: job killed by owner',
      },
    });
    expect(states.has('7')).toBe(false);
  });

  it('should not call bhist when every job is accounted for, nor bjobs for no jobs', async () => {
    const { cli, calls } = scriptedCli({ bjobs: { stdout: '1|DONE|-|-\n' } });
    expect((await new LsfBackend(cli).poll([{ nativeId: '1', workDir: workDir() }])).get('1')).toEqual({
      status: 'completed',
      exitCode: 0,
      nativeState: 'DONE',
    });
    expect((await new LsfBackend(cli).poll([])).size).toBe(0);
    expect(calls.map((call) => call.command)).toEqual(['bjobs']);
  });

  it('should keep the poll when the pending-reason query fails (an LSF without the pend_reason field), without reasons', async () => {
    const { cli } = scriptedCli({
      bjobs: (args) =>
        args.includes(BJOBS_PENDING_REASON_FORMAT)
          ? { stderr: 'Output format error: unknown field name <pend_reason>\n', exitCode: 255 }
          : { stdout: '1|PEND|-|-\n' },
    });
    expect((await new LsfBackend(cli).poll([{ nativeId: '1', workDir: workDir() }])).get('1')).toEqual({
      status: 'pending',
      reason: undefined,
      nativeState: 'PEND',
    });
  });

  it('should fail the poll when LSF is down, so that no state is changed', async () => {
    const { cli } = scriptedCli({
      bjobs: { stderr: 'LSF is down. Please wait ...\n', exitCode: 255 },
    });
    await expect(new LsfBackend(cli).poll([{ nativeId: '1', workDir: workDir() }])).rejects.toThrow(/bjobs failed \(exit 255\): LSF is down/);
  });

  it('should keep jobs unknown when bhist fails or does not know them', async () => {
    const refs = [{ nativeId: '9', workDir: workDir() }];
    const failing = scriptedCli({
      bjobs: { stderr: 'Job <9> is not found\n', exitCode: 255 },
      bhist: { stderr: 'bhist: cannot open lsb.events\n', exitCode: 1 },
    });
    expect((await new LsfBackend(failing.cli).poll(refs)).size).toBe(0);
    const unknown = scriptedCli({
      bjobs: { stderr: 'Job <9> is not found\n', exitCode: 0 },
      bhist: { stderr: 'No matching job found\n', exitCode: 255 },
    });
    expect((await new LsfBackend(unknown.cli).poll(refs)).size).toBe(0);
  });

  it('should cancel with bkill and treat an already finished or forgotten job as cancelled enough', async () => {
    const ref = { nativeId: '11', workDir: workDir() };
    await new LsfBackend(scriptedCli({ bkill: { stdout: 'Job <11> is being terminated\n' } }).cli).cancel(ref);
    await new LsfBackend(
      scriptedCli({
        bkill: {
          stderr: 'Job <11>: Job has already finished\n',
          exitCode: 255,
        },
      }).cli,
    ).cancel(ref);
    await new LsfBackend(
      scriptedCli({
        bkill: { stderr: 'Job <11>: No matching job found\n', exitCode: 255 },
      }).cli,
    ).cancel(ref);
    await expect(
      new LsfBackend(
        scriptedCli({
          bkill: { stderr: 'LSF is down. Please wait ...\n', exitCode: 255 },
        }).cli,
      ).cancel(ref),
    ).rejects.toThrow(/LSF is down/);
    await expect(
      new LsfBackend(
        scriptedCli({
          bkill: { stderr: 'Job <11>: User permission denied\n', exitCode: 1 },
        }).cli,
      ).cancel(ref),
    ).rejects.toThrow(/permission denied/);
  });

  it('should find a job by name while bjobs knows it, else by the id its script recorded', async () => {
    const listed = scriptedCli({
      bjobs: { stdout: '40|EXIT|-|-\n41|RUN|-|-\n' },
    });
    expect(await new LsfBackend(listed.cli).findByName('job_1', '/nowhere')).toEqual({ nativeId: '41', workDir: '/nowhere' });
    expect(listed.calls[0].args).toEqual(['-a', '-noheader', '-J', 'job_1', '-o', BJOBS_FORMAT]);
    const dir = workDir();
    writeFileSync(join(dir, 'native_id'), '77\n');
    const purged = scriptedCli({
      bjobs: { stderr: 'Job <job_1> is not found\n', exitCode: 255 },
    });
    expect(await new LsfBackend(purged.cli).findByName('job_1', dir)).toEqual({
      nativeId: '77',
      workDir: dir,
    });
    expect(await new LsfBackend(purged.cli).findByName('job_1', workDir())).toBeNull();
    await expect(
      new LsfBackend(
        scriptedCli({
          bjobs: { stderr: 'LSF is down. Please wait ...\n', exitCode: 255 },
        }).cli,
      ).findByName('job_1', dir),
    ).rejects.toThrow(/LSF is down/);
  });
});
