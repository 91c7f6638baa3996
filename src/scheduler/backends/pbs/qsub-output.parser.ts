import { SchedulerCommandFailedError } from '../../cli/scheduler-command.errors';

/** qsub prints the full job id, `<sequence>.<server>` (e.g. `1234.pbsserver`, arrays `1234[].pbsserver`). */
export function parsePbsQsubOutput(stdout: string): string {
  const line = stdout.trim().split('\n')[0] ?? '';
  if (!/^\d+(?:\[\d*\])?\.[A-Za-z0-9._-]+$/.test(line)) {
    throw new SchedulerCommandFailedError('qsub', 0, `unexpected reply ${JSON.stringify(stdout.trim())}`);
  }
  return line;
}
