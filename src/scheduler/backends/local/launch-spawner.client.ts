import { ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';

export const SPAWNER_SCRIPT = join(__dirname, 'launch-spawner.cjs');

/** The spawner ended (killed, crashed) before answering a launch: whether the supervisor started is unknown. */
export class SpawnerLostError extends Error {}

/** The supervisor a launch was handed to; its start time as the spawner read it (Linux), else undefined. */
export interface SpawnedSupervisor {
  pid: number;
  startTime?: string;
}

/** The spawner could not start a launch; `code` is the errno when writing its launch.json failed (e.g. ENOSPC). */
export class SpawnerLaunchError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

type SpawnerMessage = { id: number; pid: number; startTime?: string } | { id: number; error: string; code?: string } | { exited: number };

interface Pending {
  resolve: (supervisor: SpawnedSupervisor) => void;
  reject: (error: Error) => void;
}

/**
 * The service's side of the launch spawner (launch-spawner.cjs): one long-lived small child process that starts the
 * detached solver supervisors, so a launch costs this process one IPC message instead of a fork of its whole memory.
 * A spawner that dies is started again (off the launch path); the launches it had not answered are rejected with
 * SpawnerLostError, for the caller to resolve from the launch files. `onExited` hears of each supervisor's end at once.
 */
export class LaunchSpawnerClient {
  private readonly logger = new Logger(LaunchSpawnerClient.name);
  private child?: ChildProcess;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;
  private restarts = 0;

  constructor(
    private readonly supervisorScript: string,
    private readonly env: () => NodeJS.ProcessEnv,
    private readonly onExited: (pid: number) => void,
  ) {}

  /** The spawner's pid (starting it if needed). */
  start(): number | undefined {
    if (!this.child && !this.closed) {
      this.child = this.startChild();
    }
    return this.child?.pid;
  }

  /** Has the spawner write launch.json (`content`, into its existing directory) and hand it to a supervisor. */
  launch(launchPath: string, content: string): Promise<SpawnedSupervisor> {
    this.start();
    const child = this.child;
    if (!child?.connected) {
      return Promise.reject(new SpawnerLostError('the launch spawner is not running'));
    }
    const id = this.nextId++;
    return new Promise<SpawnedSupervisor>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      child.channel?.ref();
      child.send({ id, launch: launchPath, content }, (error) => {
        if (error) {
          this.settle(id, undefined, new SpawnerLostError(`could not reach the launch spawner: ${error.message}`));
        }
      });
    });
  }

  /** Ends the spawner (it also ends by itself when this process exits); unanswered launches are rejected. */
  close(): void {
    this.closed = true;
    const child = this.child;
    this.child = undefined;
    if (child?.connected) {
      child.disconnect();
    }
    this.rejectAll('the launch spawner was closed');
  }

  private startChild(): ChildProcess {
    const child = fork(SPAWNER_SCRIPT, [this.supervisorScript], { env: this.env(), stdio: ['ignore', 'ignore', 'inherit', 'ipc'], serialization: 'json' });
    child.on('message', (message: SpawnerMessage) => {
      if ('exited' in message) {
        this.onExited(message.exited);
      } else {
        this.settle(
          message.id,
          'pid' in message ? { pid: message.pid, startTime: message.startTime } : undefined,
          'error' in message ? new SpawnerLaunchError(message.error, message.code) : undefined,
        );
      }
    });
    child.on('error', (error) => this.logger.error(`Launch spawner: ${error.message}`));
    child.on('exit', (code, signal) => this.onChildExit(child, code, signal));
    // Neither the spawner nor its channel keeps this process alive; it exits when the channel closes.
    child.unref();
    child.channel?.unref();
    return child;
  }

  private onChildExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.child !== child) {
      return;
    }
    this.child = undefined;
    this.rejectAll(`the launch spawner (pid ${child.pid}) ended (${signal ?? `code ${code}`}) before answering`);
    if (this.closed) {
      return;
    }
    this.logger.warn(`The launch spawner (pid ${child.pid}) ended (${signal ?? `code ${code}`}); starting it again`);
    // Restarted at once the first times, then at most once a second, so a spawner that cannot run does not spin.
    const delay = this.restarts++ < 3 ? 0 : 1000;
    setTimeout(() => this.start(), delay).unref();
  }

  private rejectAll(reason: string): void {
    for (const id of [...this.pending.keys()]) {
      this.settle(id, undefined, new SpawnerLostError(reason));
    }
  }

  private settle(id: number, supervisor: SpawnedSupervisor | undefined, error: Error | undefined): void {
    const entry = this.pending.get(id);
    if (!entry) {
      return;
    }
    this.pending.delete(id);
    if (this.pending.size === 0) {
      this.child?.channel?.unref();
    }
    if (supervisor !== undefined) {
      entry.resolve(supervisor);
    } else {
      entry.reject(error ?? new Error('the launch spawner gave no answer'));
    }
  }
}
