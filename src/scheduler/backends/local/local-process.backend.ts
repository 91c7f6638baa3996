import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { execa } from 'execa';
import { AppConfig } from '../../../config/app-config';
import { APP_CONFIG } from '../../../config/config.constants';
import { SchedulerType } from '../../../simulation/scheduler-type.enum';
import { schedulerCommandEnvironment } from '../../environment/job-environment';
import { JobSpec, NativeJobRef, NativeJobState, SchedulerBackend } from '../../scheduler-backend';
import { ExitRecord, exitRecordToState } from './exit-record';
import { formatLocalNativeId, launchFiles, latestAttempt, parseLocalNativeId } from './local-launch-files';
import { LocalProcessExitedEvent } from './local-process-exited.event';
import { isProcessAlive, killProcessTree, processStartTime } from './process-tree';

export const SUPERVISOR_SCRIPT = join(__dirname, 'solver-supervisor.cjs');

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
export class LocalProcessBackend extends SchedulerBackend {
  readonly kind = SchedulerType.NONE;
  private readonly logger = new Logger(LocalProcessBackend.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly events: EventEmitter2,
  ) {
    super();
  }

  async submit(spec: JobSpec): Promise<NativeJobRef> {
    const attempt = (await latestAttempt(spec.workDir)) + 1;
    const files = launchFiles(spec.workDir, attempt);
    await mkdir(files.dir, { recursive: true });
    await writeFile(files.launch, JSON.stringify({ argv: spec.argv, cwd: spec.workDir, logPath: spec.logPath, files }));
    const supervisor = execa(process.execPath, [SUPERVISOR_SCRIPT, files.launch], {
      cwd: spec.workDir,
      // The host's environment, as a local solve needs it, but never the service's own HFSS_JM_* settings and secrets.
      env: schedulerCommandEnvironment(process.env),
      extendEnv: false,
      detached: true,
      cleanup: false,
      stdio: 'ignore',
      reject: false,
    });
    const pid = supervisor.pid;
    if (pid === undefined) {
      const result = await supervisor;
      throw new Error(`could not start the solver supervisor: ${result.message ?? 'unknown error'}`);
    }
    const nativeId = formatLocalNativeId({ pid, startTime: processStartTime(pid), attempt });
    supervisor.unref();
    void supervisor.then(() => this.events.emit(LocalProcessExitedEvent.name, new LocalProcessExitedEvent(nativeId)));
    return { nativeId, workDir: spec.workDir };
  }

  async poll(refs: readonly NativeJobRef[]): Promise<ReadonlyMap<string, NativeJobState>> {
    const states = new Map<string, NativeJobState>();
    await Promise.all(refs.map(async (ref) => states.set(ref.nativeId, await this.stateOf(ref))));
    return states;
  }

  async cancel(ref: NativeJobRef): Promise<void> {
    const { pid, startTime } = parseLocalNativeId(ref.nativeId);
    if (isProcessAlive(pid, startTime)) {
      await killProcessTree(pid, this.config.runner.killGraceMs);
    }
  }

  /**
   * For a job the service had begun to launch when it stopped: returns its supervisor if one started the
   * solver, or null after making sure none ever will (the launch lock is taken here), so re-queueing is safe.
   */
  async resolveInterruptedLaunch(workDir: string): Promise<NativeJobRef | null> {
    const attempt = await latestAttempt(workDir);
    if (attempt === 0) {
      return null;
    }
    const files = launchFiles(workDir, attempt);
    try {
      await writeFile(files.lock, 'claimed by a restarted job manager', { flag: 'wx' });
      return null;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw error;
      }
    }
    const supervisor = await readJson<{ pid: number }>(files.supervisor);
    if (!supervisor) {
      throw new Error(`launch lock of ${files.dir} is taken but the supervisor left no record`);
    }
    const startTime = isProcessAlive(supervisor.pid) ? processStartTime(supervisor.pid) : undefined;
    this.logger.log(`Found the supervisor (pid ${supervisor.pid}) of an interrupted launch in ${files.dir}`);
    return { nativeId: formatLocalNativeId({ pid: supervisor.pid, startTime, attempt }), workDir };
  }

  private async stateOf(ref: NativeJobRef): Promise<NativeJobState> {
    const { pid, startTime, attempt } = parseLocalNativeId(ref.nativeId);
    const files = launchFiles(ref.workDir, attempt);
    const exit = await readJson<ExitRecord>(files.exit);
    if (exit) {
      return exitRecordToState(exit);
    }
    if (isProcessAlive(pid, startTime)) {
      return { status: 'running' };
    }
    // The supervisor may have written exit.json just before it exited: read once more.
    const lateExit = await readJson<ExitRecord>(files.exit);
    if (lateExit) {
      return exitRecordToState(lateExit);
    }
    return { status: 'failed', exitCode: null, reason: `the solver supervisor (pid ${pid}) ended without recording an exit status` };
  }
}
