import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppConfig } from '../../config/app-config';
import { SchedulerCli, SCHEDULER_COMMAND_DRAIN_MS, SCHEDULER_COMMAND_KILL_GRACE_MS } from './scheduler-cli';
import {
  SchedulerCommandFailedError,
  SchedulerCommandLostError,
  SchedulerCommandNotFoundError,
  SchedulerCommandTimeoutError,
} from './scheduler-command.errors';

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const waitUntil = async (condition: () => boolean, timeoutMs: number): Promise<boolean> => {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  return condition();
};

describe(SchedulerCli.name, () => {
  let dir: string;
  const cli = new SchedulerCli({
    cluster: { commandTimeoutMs: 600 },
  } as AppConfig);

  /** A `qsub`-like wrapper script, as `module`-loading site shims are. */
  const wrapper = (name: string, body: string): string => {
    const path = join(dir, name);
    writeFileSync(path, `#!/bin/bash\n${body}\n`);
    chmodSync(path, 0o755);
    return path;
  };
  const childPid = (): number => Number(readFileSync(join(dir, 'child.pid'), 'utf8'));

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'scheduler-cli-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('should end a hung wrapper and the child holding its pipe at the timeout, and answer at once', async () => {
    const qsub = wrapper('qsub', `sleep 300 & echo $! > ${dir}/child.pid\nwait`);
    const started = Date.now();
    await expect(cli.run(qsub, [])).rejects.toBeInstanceOf(SchedulerCommandTimeoutError);
    expect(Date.now() - started).toBeLessThan(600 + 1_500);
    expect(await waitUntil(() => !isAlive(childPid()), 2_000)).toBe(true);
  });

  it('should SIGKILL a group member that ignores SIGTERM after the grace period', async () => {
    const qsub = wrapper('qsub', `bash -c 'trap "" TERM; echo $$ > ${dir}/child.pid; while :; do sleep 0.1; done' &\nwait`);
    const started = Date.now();
    await expect(cli.run(qsub, [])).rejects.toBeInstanceOf(SchedulerCommandTimeoutError);
    expect(Date.now() - started).toBeLessThan(600 + 1_500);
    expect(isAlive(childPid())).toBe(true);
    expect(await waitUntil(() => !isAlive(childPid()), SCHEDULER_COMMAND_KILL_GRACE_MS + 2_000)).toBe(true);
  });

  it('should answer a wrapper that exited while a background child still holds stdout, and end that child', async () => {
    const sbatch = wrapper('sbatch', `sleep 300 & echo $! > ${dir}/child.pid\necho 4242`);
    const started = Date.now();
    await expect(cli.run(sbatch, [])).resolves.toEqual({
      stdout: '4242\n',
      stderr: '',
      exitCode: 0,
    });
    expect(Date.now() - started).toBeLessThan(SCHEDULER_COMMAND_DRAIN_MS + 500);
    expect(await waitUntil(() => !isAlive(childPid()), 2_000)).toBe(true);
  });

  it('should report a command killed by a signal with that signal', async () => {
    const qsub = wrapper('qsub', 'echo "about to die" >&2\nkill -KILL $$');
    const failure = await cli.run(qsub, []).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(SchedulerCommandFailedError);
    expect(failure).toMatchObject({
      signal: 'SIGKILL',
      exitCode: 137,
      message: 'qsub was killed by SIGKILL: about to die'.replace('qsub', qsub),
    });
  });

  it('should report exit codes with the scheduler message and accept the listed ones', async () => {
    const squeue = wrapper('squeue', 'echo "slurm_load_jobs error: Invalid job id specified" >&2\nexit 1');
    await expect(cli.run(squeue, [])).rejects.toMatchObject({
      exitCode: 1,
      signal: undefined,
      stderr: expect.stringMatching(/Invalid job id/),
    });
    await expect(cli.run(squeue, [], { acceptExitCodes: [1] })).resolves.toMatchObject({ exitCode: 1 });
  });

  it('should pass arguments as argv and standard input as given', async () => {
    const bsub = wrapper('bsub', 'printf "%s|" "$@"; cat');
    await expect(cli.run(bsub, ['a b', '$(x)', "'q'"], { input: '#BSUB -n 1\n' })).resolves.toMatchObject({ stdout: "a b|$(x)|'q'|#BSUB -n 1\n" });
  });

  it('should run scheduler commands without any HFSS_JM_ variable of the service', async () => {
    const saved = { ...process.env };
    process.env.HFSS_JM_API_TOKEN = 'secret-token-1234567890';
    process.env.HFSS_JM_DATA_DIR = '/srv/jm';
    process.env.SGE_ROOT = '/var/lib/gridengine';
    try {
      const env = wrapper('env', 'env');
      const { stdout } = await cli.run(env, []);
      expect(stdout).not.toMatch(/HFSS_JM_/);
      expect(stdout).toMatch(/^SGE_ROOT=\/var\/lib\/gridengine$/m);
      expect(stdout).toMatch(/^PATH=/m);
    } finally {
      process.env = saved;
    }
  });

  it('should say when the command is not installed', async () => {
    await expect(cli.run(join(dir, 'no-such-sbatch'), [])).rejects.toBeInstanceOf(SchedulerCommandNotFoundError);
  });

  it('should run the commands in a child of the service, and answer those a dead runner held as lost (outcome unknown), then start it again', async () => {
    const runnerPids = (): number[] =>
      execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(process.pid)])
        .toString()
        .split('\n')
        .filter((line) => line.includes('command-runner.cjs'))
        .map((line) => Number(line.trim().split(/\s+/)[0]));
    const parent = wrapper('ppid', 'echo $PPID');
    const { stdout } = await cli.run(parent, []);
    expect(runnerPids()).toEqual([Number(stdout.trim())]);
    const sbatch = wrapper('sbatch', `echo $$ > ${dir}/child.pid\nsleep 30`);
    const running = cli.run(sbatch, []);
    expect(await waitUntil(() => existsSync(join(dir, 'child.pid')), 2_000)).toBe(true);
    process.kill(runnerPids()[0], 'SIGKILL');
    const failure = await running.catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(SchedulerCommandLostError);
    expect(failure).toBeInstanceOf(SchedulerCommandTimeoutError);
    expect(await waitUntil(() => !isAlive(childPid()), 2_000)).toBe(true);
    await expect(cli.run(parent, [])).resolves.toMatchObject({ exitCode: 0 });
    expect(runnerPids()).toHaveLength(1);
  });
});
