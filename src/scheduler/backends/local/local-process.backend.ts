import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { AppConfig } from '../../../config/app-config';
import { APP_CONFIG } from '../../../config/config.constants';
import { SchedulerType } from '../../../simulation/scheduler-type.enum';
import { schedulerCommandEnvironment } from '../../environment/job-environment';
import { JobSpec, NativeJobRef, NativeJobState, SchedulerBackend } from '../../scheduler-backend';
import { ExitRecord, exitRecordToState } from './exit-record';
import { claimLaunchLock, formatLocalNativeId, launchFiles, latestAttempt, parseLocalNativeId } from './local-launch-files';
import { LocalProcessExitedEvent } from './local-process-exited.event';
import { processPlatformFor } from '../../../platform/current-platform';
import { LaunchSpawnerClient, SpawnedSupervisor, SpawnerLaunchError, SpawnerLostError } from './launch-spawner.client';
import { serviceProcessEnvironment } from '../../../config/process-environment';

export const SUPERVISOR_SCRIPT = join(__dirname, 'solver-supervisor.cjs');

/** errno codes of a data disk that is full or failing: the write may succeed later. */
const STORAGE_ERRNOS = new Set(['ENOSPC', 'EDQUOT', 'EIO', 'EROFS']);

export function isStorageErrno(error: unknown): boolean {
  return STORAGE_ERRNOS.has((error as NodeJS.ErrnoException | undefined)?.code ?? '');
}

/** The launch files could not be written (full or failing data disk); the supervisor was not started. */
export class LaunchStorageError extends Error {}

/**
 * The spawner ended before answering a launch; the launch files say what became of it: the solver never started (the
 * launch lock is now the service's, so it never will: re-queue), or it ran and ended. A running one is returned as a ref.
 */
export class LaunchInterruptedError extends Error {
  constructor(readonly outcome: Exclude<InterruptedLaunch, { kind: 'running' }>) {
    super(outcome.kind === 'never-started' ? `the launch was interrupted before the solver started (${outcome.detail})` : 'the launch was interrupted');
  }
}

/** A local job's state; `solverNeverStarted` when the supervisor ended before the solver ran, so a re-queue is safe. */
export interface LocalJobState extends NativeJobState {
  solverNeverStarted?: true;
}

/** What a restarted service finds of a launch it had begun. */
export type InterruptedLaunch = { kind: 'never-started'; detail: string } | { kind: 'running'; ref: NativeJobRef } | { kind: 'ended'; state: NativeJobState };

async function readJson<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/**
 * Runs solves on this host. Each job gets a detached supervisor process (its own process group) that starts
 * the solver with an argument array, appends its output to the job log and records the exit status, so a job
 * survives a crash of the service and is re-attached, never re-run.
 */
@Injectable()
export class LocalProcessBackend extends SchedulerBackend implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly kind = SchedulerType.NONE;
  private readonly logger = new Logger(LocalProcessBackend.name);
  /** Liveness and tree kill of this host (POSIX or Windows); replaceable in tests. */
  platform = processPlatformFor();
  /** Supervisors started by this process, by pid, to name the job when the spawner reports one's exit. */
  private readonly launched = new Map<number, string>();
  // The host's environment, as a local solve needs it, but never the service's own HFSS_JM_* settings and secrets.
  private readonly spawner = new LaunchSpawnerClient(
    SUPERVISOR_SCRIPT,
    () => schedulerCommandEnvironment(serviceProcessEnvironment()),
    // A turn later, so that a supervisor ending right away is already known by its native id.
    (pid) => setImmediate(() => this.onSupervisorExited(pid)),
  );

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly events: EventEmitter2,
  ) {
    super();
  }

  /** Starts the launch spawner at boot, so the first launch does not pay for it. */
  onApplicationBootstrap(): void {
    this.spawner.start();
  }

  onApplicationShutdown(): void {
    this.spawner.close();
  }

  /** The launch spawner's pid (for tests and diagnostics). */
  spawnerPid(): number | undefined {
    return this.spawner.start();
  }

  /**
   * Creates the attempt's launch directory (the record that the attempt exists: a restarted service finds it and takes
   * its lock) and has the launch spawner write launch.json into it and hand it to a supervisor. Everything else of the
   * launch (the write, the fork, the supervisor's start time) happens in the spawner, off this event loop.
   */
  async submit(spec: JobSpec): Promise<NativeJobRef> {
    const attempt = (await latestAttempt(spec.workDir)) + 1;
    const files = launchFiles(spec.workDir, attempt);
    try {
      await mkdir(files.dir, { recursive: true });
    } catch (error) {
      if (isStorageErrno(error)) {
        throw new LaunchStorageError(`could not create ${files.dir} (${(error as NodeJS.ErrnoException).code})`);
      }
      throw error;
    }
    let supervisor: SpawnedSupervisor;
    try {
      supervisor = await this.spawner.launch(files.launch, JSON.stringify({ argv: spec.argv, cwd: spec.workDir, logPath: spec.logPath, files }));
    } catch (error) {
      if (error instanceof SpawnerLaunchError && isStorageErrno(error)) {
        throw new LaunchStorageError(`could not write ${files.launch} (${error.code})`);
      }
      if (!(error instanceof SpawnerLostError)) {
        throw error;
      }
      // Whether the supervisor got the launch is unknown: the launch files decide, exactly as after a crash.
      this.logger.warn(`${error.message}; resolving the launch in ${files.dir} from its files`);
      const outcome = await this.resolveInterruptedLaunch(spec.workDir);
      if (outcome.kind === 'running') {
        return outcome.ref;
      }
      throw new LaunchInterruptedError(outcome);
    }
    const { pid } = supervisor;
    const startTime = supervisor.startTime ?? (await this.platform.startTime(pid));
    const nativeId = formatLocalNativeId({ pid, startTime, attempt });
    this.launched.set(pid, nativeId);
    return { nativeId, workDir: spec.workDir };
  }

  private onSupervisorExited(pid: number): void {
    const nativeId = this.launched.get(pid);
    this.launched.delete(pid);
    if (nativeId) {
      this.events.emit(LocalProcessExitedEvent.name, new LocalProcessExitedEvent(nativeId));
    }
  }

  async poll(refs: readonly NativeJobRef[]): Promise<ReadonlyMap<string, LocalJobState>> {
    const states = new Map<string, LocalJobState>();
    await Promise.all(refs.map(async (ref) => states.set(ref.nativeId, await this.stateOf(ref))));
    return states;
  }

  async cancel(ref: NativeJobRef): Promise<void> {
    const { pid, startTime } = parseLocalNativeId(ref.nativeId);
    if (await this.platform.isAlive(pid, startTime)) {
      await this.platform.killTree(pid, this.config.runner.killGraceMs);
    }
  }

  /**
   * For a job the service had begun to launch when it stopped (no native id stored). Every state a kill can leave:
   * no launch dir, or no lock yet (launch.json partial or written, supervisor not started or not yet at the lock):
   * the lock is taken here, so the solver never starts later, and the job is re-queued; a lock the service took
   * earlier (the supervisor then exits 75): re-queued; the supervisor's lock: re-attached while it lives (pid and
   * start time), else settled from exit.json or failed, never re-run, since the solver may have started.
   */
  async resolveInterruptedLaunch(workDir: string): Promise<InterruptedLaunch> {
    const attempt = await latestAttempt(workDir);
    if (attempt === 0) {
      return { kind: 'never-started', detail: 'no launch directory' };
    }
    const files = launchFiles(workDir, attempt);
    if ((await claimLaunchLock(files)) === 'service') {
      return { kind: 'never-started', detail: `the launch lock of ${files.dir} is held by the job manager` };
    }
    const supervisor = await readJson<{ pid: number }>(files.supervisor);
    if (supervisor && (await this.platform.isAlive(supervisor.pid))) {
      const startTime = await this.platform.startTime(supervisor.pid);
      if (startTime !== undefined || process.platform !== 'linux') {
        this.logger.log(`Found the supervisor (pid ${supervisor.pid}) of an interrupted launch in ${files.dir}`);
        return { kind: 'running', ref: { nativeId: formatLocalNativeId({ pid: supervisor.pid, startTime, attempt }), workDir } };
      }
    }
    const exit = await readJson<ExitRecord>(files.exit);
    if (exit) {
      return { kind: 'ended', state: exitRecordToState(exit) };
    }
    const who = supervisor ? `the solver supervisor (pid ${supervisor.pid})` : 'the solver supervisor (no supervisor.json)';
    return { kind: 'ended', state: { status: 'failed', exitCode: null, reason: `${who} ended without recording an exit status` } };
  }

  private async stateOf(ref: NativeJobRef): Promise<LocalJobState> {
    const { pid, startTime, attempt } = parseLocalNativeId(ref.nativeId);
    const files = launchFiles(ref.workDir, attempt);
    const exit = await readJson<ExitRecord>(files.exit);
    if (exit) {
      return exitRecordToState(exit);
    }
    if (await this.platform.isAlive(pid, startTime)) {
      return { status: 'running' };
    }
    // The supervisor may have written exit.json just before it exited: read once more.
    const lateExit = await readJson<ExitRecord>(files.exit);
    if (lateExit) {
      return exitRecordToState(lateExit);
    }
    // A supervisor that could not write its files (a full disk) ends before the lock: the solver never ran.
    try {
      if ((await claimLaunchLock(files)) === 'service') {
        return { status: 'failed', exitCode: null, reason: `the solver supervisor (pid ${pid}) ended before starting the solver`, solverNeverStarted: true };
      }
    } catch (error) {
      return { status: 'unknown', reason: `could not read the launch lock ${files.lock}: ${(error as Error).message}` };
    }
    return { status: 'failed', exitCode: null, reason: `the solver supervisor (pid ${pid}) ended without recording an exit status` };
  }
}
