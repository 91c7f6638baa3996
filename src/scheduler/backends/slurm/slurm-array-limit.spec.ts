import { SchedulerCli } from '../../cli/scheduler-cli';
import { parseMaxArraySize } from './scontrol-config.parser';
import { SlurmBackend } from './slurm.backend';

/** `scontrol show config` of slurm-wlm 22.05 on Debian 12 (scripts/ci/slurm-up.sh), the lines around MaxArraySize. */
const SCONTROL_SHOW_CONFIG = [
  'Configuration data as of 2026-12-03T19:12:01',
  'AccountingStorageBackupHost = (null)',
  'MailProg                = /bin/mail',
  'MaxArraySize            = 1001',
  'MaxDBDMsgs              = 20008',
  'MaxJobCount             = 10000',
  '',
].join('\n');

const backendAnswering = (answer: () => Promise<{ stdout: string }>): { backend: SlurmBackend; calls: string[][] } => {
  const calls: string[][] = [];
  const cli = {
    run: (file: string, args: string[]) => {
      calls.push([file, ...args]);
      return answer();
    },
  } as unknown as SchedulerCli;
  return { backend: new SlurmBackend(cli), calls };
};

describe('SLURM job array limit', () => {
  it('reads MaxArraySize from scontrol show config, and nothing from a line that is not there', () => {
    expect(parseMaxArraySize(SCONTROL_SHOW_CONFIG)).toBe(1001);
    expect(parseMaxArraySize(SCONTROL_SHOW_CONFIG.replace('1001', '0'))).toBe(0);
    expect(parseMaxArraySize('MaxJobCount             = 10000\n')).toBeUndefined();
    expect(parseMaxArraySize('MaxArraySize = lots\n')).toBeUndefined();
  });

  it.each([
    [1001, 1000],
    [100001, 1000],
    [101, 100],
    [1, 1],
    [0, 1],
  ])('with MaxArraySize %i puts at most %i tasks in one array (1: no arrays), asking scontrol once', async (maxArraySize, tasks) => {
    const { backend, calls } = backendAnswering(async () => ({ stdout: SCONTROL_SHOW_CONFIG.replace('1001', String(maxArraySize)) }));
    await Promise.all([backend.prepareArrays(), backend.prepareArrays()]);
    await backend.prepareArrays();
    expect(backend.maxArrayTasks).toBe(tasks);
    expect(calls).toEqual([['scontrol', 'show', 'config']]);
  });

  it('keeps its own limit of 1,000 when scontrol fails (an array SLURM refuses is then sent one job at a time)', async () => {
    const { backend } = backendAnswering(() => Promise.reject(new Error('scontrol: command not found')));
    await expect(backend.prepareArrays()).resolves.toBeUndefined();
    expect(backend.maxArrayTasks).toBe(1000);
  });
});
