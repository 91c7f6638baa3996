import { Inject, Injectable } from '@nestjs/common';
import { execa } from 'execa';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.constants';
import { SchedulerCommandFailedError, SchedulerCommandNotFoundError, SchedulerCommandTimeoutError } from './scheduler-command.errors';

export interface CommandResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export interface CommandOptions {
  /** Text for the command's standard input (`bsub < script`). */
  input?: string;
  cwd?: string;
  /** Exit codes that are answers rather than failures (e.g. qstat's 153 for an unknown id in a batch). */
  acceptExitCodes?: readonly number[];
}

/**
 * Runs scheduler client commands with an argument array (never a shell), a hard timeout, and errors that say
 * what went wrong: not installed, timed out, or failed with the scheduler's own message.
 */
@Injectable()
export class SchedulerCli {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async run(command: string, args: readonly string[], options: CommandOptions = {}): Promise<CommandResult> {
    const timeoutMs = this.config.cluster.commandTimeoutMs;
    const result = await execa(command, args, {
      input: options.input,
      cwd: options.cwd,
      timeout: timeoutMs,
      reject: false,
      stripFinalNewline: false,
      forceKillAfterDelay: 2_000,
    });
    if ((result as { code?: string }).code === 'ENOENT') {
      throw new SchedulerCommandNotFoundError(command);
    }
    if (result.timedOut) {
      throw new SchedulerCommandTimeoutError(command, timeoutMs);
    }
    const exitCode = result.exitCode ?? -1;
    if (exitCode !== 0 && !(options.acceptExitCodes ?? []).includes(exitCode)) {
      throw new SchedulerCommandFailedError(command, exitCode, String(result.stderr || result.stdout));
    }
    return { stdout: String(result.stdout), stderr: String(result.stderr), exitCode };
  }
}
