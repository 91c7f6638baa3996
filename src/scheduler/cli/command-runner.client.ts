import { ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { GroupRunOptions, GroupRunResult } from './group-run';

export const COMMAND_RUNNER_SCRIPT = join(__dirname, 'command-runner.cjs');

/** Beyond a command's timeout and kill grace, how long the runner may take to answer before it counts as lost. */
const RUNNER_SLACK_MS = 5_000;

/** The command runner ended (killed, crashed) before answering: whether the command ran, and what it did, is unknown. */
export class CommandRunnerLostError extends Error {}

interface Pending {
  /** The command's process group, once the runner started it. */
  pid?: number;
  resolve: (result: GroupRunResult) => void;
  reject: (error: Error) => void;
}

/**
 * The service's side of the command runner (command-runner.cjs): one long-lived small child process that forks the
 * scheduler commands, so a command costs this process one IPC message instead of a fork of its whole memory (which
 * blocks the event loop for as long as it takes to copy the page tables). A runner that dies is started again at the
 * next command; the commands it had not answered are rejected with CommandRunnerLostError.
 */
export class CommandRunnerClient {
  private readonly logger = new Logger(CommandRunnerClient.name);
  private child?: ChildProcess;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;

  /** Runs one command in the runner; resolves with its GroupRunResult. */
  run(command: string, args: readonly string[], options: GroupRunOptions): Promise<GroupRunResult> {
    if (this.closed) {
      return Promise.reject(new CommandRunnerLostError('the scheduler command runner was closed'));
    }
    const child = (this.child ??= this.startChild());
    if (!child.connected) {
      return Promise.reject(new CommandRunnerLostError('the scheduler command runner is not running'));
    }
    const id = this.nextId++;
    return new Promise<GroupRunResult>((resolve, reject) => {
      // A runner that is alive but no longer answers does not hold the caller past the command's own bounds.
      const stuck = setTimeout(
        () => this.settle(id, undefined, new CommandRunnerLostError(`the scheduler command runner did not answer for ${command}`)),
        options.timeoutMs + options.killGraceMs + RUNNER_SLACK_MS,
      );
      stuck.unref();
      this.pending.set(id, {
        pid: undefined,
        resolve: (result) => {
          clearTimeout(stuck);
          resolve(result);
        },
        reject: (error) => {
          clearTimeout(stuck);
          reject(error);
        },
      });
      child.channel?.ref();
      const request = { id, command, args, cwd: options.cwd, env: options.env, input: options.input, ...timing(options) };
      child.send(request, (error) => {
        if (error) this.settle(id, undefined, new CommandRunnerLostError(`could not reach the scheduler command runner: ${error.message}`));
      });
    });
  }

  /** Ends the runner (it also ends by itself when this process exits); unanswered commands are rejected. */
  close(): void {
    this.closed = true;
    const child = this.child;
    this.child = undefined;
    if (child?.connected) child.disconnect();
    this.rejectAll('the scheduler command runner was closed');
  }

  private startChild(): ChildProcess {
    const child = fork(COMMAND_RUNNER_SCRIPT, [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], serialization: 'json' });
    child.on('message', (message: { id: number; started?: number; result?: GroupRunResult }) => {
      const entry = this.pending.get(message.id);
      if (message.started !== undefined && entry) entry.pid = message.started;
      else if (message.result) this.settle(message.id, message.result, undefined);
    });
    child.on('error', (error) => this.logger.error(`Scheduler command runner: ${error.message}`));
    child.on('exit', (code, signal) => {
      if (this.child !== child) return;
      this.child = undefined; // started again by the next command
      const how = signal ?? `code ${code}`;
      if (!this.closed) this.logger.warn(`The scheduler command runner (pid ${child.pid}) ended (${how}); it is started again for the next command`);
      this.rejectAll(`the scheduler command runner (pid ${child.pid}) ended (${how}) before the command answered`);
    });
    // Neither the runner nor its channel keeps this process alive while no command runs.
    child.unref();
    child.channel?.unref();
    return child;
  }

  /** Also ends the process groups of the commands the runner had started: nobody would end them at their timeout. */
  private rejectAll(reason: string): void {
    for (const [id, entry] of [...this.pending]) {
      if (entry.pid !== undefined && process.platform !== 'win32') {
        try {
          process.kill(-entry.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      this.settle(id, undefined, new CommandRunnerLostError(reason));
    }
  }

  private settle(id: number, result: GroupRunResult | undefined, error: Error | undefined): void {
    const entry = this.pending.get(id);
    if (!entry) return;
    this.pending.delete(id);
    if (this.pending.size === 0) this.child?.channel?.unref();
    if (result) entry.resolve(result);
    else entry.reject(error ?? new CommandRunnerLostError('the scheduler command runner gave no answer'));
  }
}

function timing(options: GroupRunOptions): Pick<GroupRunOptions, 'timeoutMs' | 'killGraceMs' | 'drainMs'> {
  return { timeoutMs: options.timeoutMs, killGraceMs: options.killGraceMs, drainMs: options.drainMs };
}
