import { SchedulerCommandFailedError } from '../../cli/scheduler-command.errors';

/** `qsub -terse script` prints the job number alone (`13`), or `5.1-3:1` for an array job. */
export function parseQsubTerseOutput(stdout: string): string {
  const match = /^\s*(\d+)(?:\.\S+)?\s*$/.exec(stdout.trim().split('\n')[0] ?? '');
  if (!match) {
    throw new SchedulerCommandFailedError('qsub', 0, `unexpected reply ${JSON.stringify(stdout.trim())}`);
  }
  return match[1];
}
