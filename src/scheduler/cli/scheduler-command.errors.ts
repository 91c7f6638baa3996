import { SchedulerFailureError } from '../../common/errors/job-manager.errors';

/** The scheduler client is not installed or not on PATH (the seed's "sbatch: command not found", exit 127). */
export class SchedulerCommandNotFoundError extends SchedulerFailureError {
  constructor(readonly command: string) {
    super(`${command}: command not found. Install the scheduler client or put it on PATH (e.g. "module load slurm") before starting the job manager`);
  }
}

/** The command did not answer in time: its effect (a submission, a cancel) is unknown. */
export class SchedulerCommandTimeoutError extends SchedulerFailureError {
  constructor(
    readonly command: string,
    readonly timeoutMs: number,
  ) {
    super(`${command} did not answer within ${timeoutMs / 1000} s; the scheduler may be down or overloaded`);
  }
}

/**
 * The command ran and failed: a rejection or an error the scheduler reported. `signal` is set when the command was
 * killed by a signal it did not get from our timeout (OOM killer, an operator): its effect is then unknown, and
 * `exitCode` is the shell's 128 + signal number.
 */
export class SchedulerCommandFailedError extends SchedulerFailureError {
  constructor(
    readonly command: string,
    readonly exitCode: number,
    readonly stderr: string,
    readonly signal?: NodeJS.Signals,
  ) {
    super(
      `${command} ${signal ? `was killed by ${signal}` : `failed (exit ${exitCode})`}: ${stderr.trim().split('\n').slice(-3).join(' | ') || 'no error output'}`,
    );
  }
}

/**
 * The service lost the command on its way (the command runner died before answering): like a timeout, whether it
 * ran and what it did is unknown (a submission is looked up by name, a cancel is sent again).
 */
export class SchedulerCommandLostError extends SchedulerCommandTimeoutError {
  constructor(command: string, timeoutMs: number, reason: string) {
    super(command, timeoutMs);
    this.message = `${command}: its answer was lost (${reason}); whether it ran is unknown`;
  }
}
