import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.constants';
import { schedulerCommandEnvironment } from '../environment/job-environment';
import { CommandRunnerClient, CommandRunnerLostError } from './command-runner.client';
import { GroupRunResult, shellStatusOfSignal } from './group-run';
import {
  SchedulerCommandFailedError,
  SchedulerCommandLostError,
  SchedulerCommandNotFoundError,
  SchedulerCommandTimeoutError,
} from './scheduler-command.errors';
import { serviceProcessEnvironment } from '../../config/process-environment';

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

/** SIGTERM → SIGKILL delay for a scheduler command's process group after its timeout. */
export const SCHEDULER_COMMAND_KILL_GRACE_MS = 2_000;

/** How long a command that exited may leave its pipes held by a child before they are closed. */
export const SCHEDULER_COMMAND_DRAIN_MS = 1_000;

/**
 * Runs scheduler client commands with an argument array (never a shell), in their own process group with a hard
 * timeout that ends the whole group, without the service's HFSS_JM_* variables, and with errors that say what went
 * wrong: not installed, timed out, killed by a signal, or failed with the scheduler's own message. The commands are
 * forked by a small long-lived child (command-runner.cjs), not by the service itself, whose fork would block the
 * event loop for a time that grows with its memory.
 */
@Injectable()
export class SchedulerCli implements OnApplicationShutdown {
  private readonly runner = new CommandRunnerClient();

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  onApplicationShutdown(): void {
    this.runner.close();
  }

  async run(command: string, args: readonly string[], options: CommandOptions = {}): Promise<CommandResult> {
    const timeoutMs = this.config.cluster.commandTimeoutMs;
    let result: GroupRunResult;
    try {
      result = await this.runner.run(command, args, {
        input: options.input,
        cwd: options.cwd,
        // Read at each call: the service's environment at the moment of the command, minus its own variables.
        env: schedulerCommandEnvironment(serviceProcessEnvironment()),
        timeoutMs,
        killGraceMs: SCHEDULER_COMMAND_KILL_GRACE_MS,
        drainMs: SCHEDULER_COMMAND_DRAIN_MS,
      });
    } catch (error) {
      if (error instanceof CommandRunnerLostError) throw new SchedulerCommandLostError(command, timeoutMs, error.message);
      throw error;
    }
    if (result.kind === 'not-found') {
      throw new SchedulerCommandNotFoundError(command);
    }
    if (result.kind === 'timed-out') {
      throw new SchedulerCommandTimeoutError(command, timeoutMs);
    }
    if (result.signal !== null) {
      throw new SchedulerCommandFailedError(command, shellStatusOfSignal(result.signal), result.stderr || result.stdout, result.signal);
    }
    const exitCode = result.exitCode ?? -1;
    if (exitCode !== 0 && !(options.acceptExitCodes ?? []).includes(exitCode)) {
      throw new SchedulerCommandFailedError(command, exitCode, result.stderr || result.stdout);
    }
    return { stdout: result.stdout, stderr: result.stderr, exitCode };
  }
}
