import { stat } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import { FileNotFoundError, ValidationFailedError } from '../../common/errors/job-manager.errors';
import { AppConfig } from '../../config/app-config';
import { SchedulerBackendRegistry } from '../../scheduler/scheduler-backend.registry';
import { HFSSSimulationConfig } from '../../simulation/hfss-simulation-config.dto';
import { SchedulerType } from '../../simulation/scheduler-type.enum';
import { AcceptedFile, acceptedFile, identify } from './accepted-files';
import { checkClientExecutable } from './executable-policy';
import { resolveExecutable } from './executable-resolver';
import { resolveInsideRoots } from './path-policy';

/** What the submission checks found: the paths the solver is handed and the files behind them. */
export interface CheckedResources {
  projectRealPath: string;
  /** The absolute path of a client-given executable (a bare name resolved through PATH). */
  executableRunPath?: string;
  files: AcceptedFile[];
}

export interface ResourceCheckContext {
  config: AppConfig;
  schedulers: SchedulerBackendRegistry;
}

/** Runs each keyed check once and hands every caller with that key the same outcome. */
export interface ResourceCheckSharing {
  once<T>(key: string, work: () => Promise<T>): Promise<T>;
}

/**
 * Shares the file-system work of one batch: each distinct project path (with its roots), client executable and
 * the configured solver is checked once, however many items name it. A fresh memo per request.
 */
export class ResourceCheckMemo implements ResourceCheckSharing {
  private readonly entries = new Map<string, Promise<unknown>>();

  once<T>(key: string, work: () => Promise<T>): Promise<T> {
    let entry = this.entries.get(key) as Promise<T> | undefined;
    if (!entry) {
      entry = work();
      // Every caller awaits it; this only keeps a rejection nobody awaited yet from counting as unhandled.
      entry.catch(() => undefined);
      this.entries.set(key, entry);
    }
    return entry;
  }
}

/**
 * Shares a check between the single submissions that start it in the same turn of the event loop (32 clients in
 * flight naming one project and the configured solver: one stat, one realpath and one access per turn instead of
 * three per submission). Nothing outlives the turn: the entries are dropped at its check phase (setImmediate), so
 * a check started in a later turn reads the file system again. Requests are read, and their checks started, in the
 * loop's poll phase; a request served in a turn was readable on its socket before that phase's poll returned (libuv
 * polls again within one phase only after 1,024 ready events), and every check of the turn starts after it, so a
 * shared result is never older than the request it answers: a file removed (or replaced) before a client sent its
 * submission is seen as removed (or replaced), as with a check of its own. The launch re-check (LaunchGuard) still
 * compares the files at start.
 */
export class SameTurnResourceChecks implements ResourceCheckSharing {
  /** The memo of the current turn, dropped at its check phase (the next turn starts a fresh one). */
  private memo?: ResourceCheckMemo;

  once<T>(key: string, work: () => Promise<T>): Promise<T> {
    if (!this.memo) {
      this.memo = new ResourceCheckMemo();
      setImmediate(() => (this.memo = undefined));
    }
    return this.memo.once(key, work);
  }
}

async function checkProject(projectPath: string, roots: readonly string[]): Promise<{ projectRealPath: string; file: AcceptedFile }> {
  if (!isAbsolute(projectPath)) {
    throw new ValidationFailedError(`project_path must be an absolute path: ${projectPath}`);
  }
  // One stat gives both the existence check and the identity recorded (stat follows symlinks to the real file);
  // the real path is resolved at the same time. A missing file is reported as such before any real-path problem.
  const realPath = resolveInsideRoots(projectPath, roots, 'project_path');
  realPath.catch(() => undefined); // awaited below unless the file is missing, which is reported first
  const project = await stat(projectPath, { bigint: true }).catch(() => undefined);
  if (!project) {
    throw new FileNotFoundError(projectPath, 'Project file');
  }
  const projectRealPath = await realPath;
  const projectRunPath = roots.length > 0 ? projectRealPath : projectPath;
  return { projectRealPath, file: acceptedFile('project_path', projectRunPath, projectRealPath, project) };
}

/**
 * What checkSubmissionResources reads of a config that is not staged: two such configs with the same key get the
 * same outcome (the same checked paths and files, or the same error), so a batch checks each key once.
 */
export function sharedCheckKey(config: Pick<HFSSSimulationConfig, 'project_path' | 'ansys_edt_path' | 'scheduler_type'>): string {
  return JSON.stringify([config.project_path ?? '', config.ansys_edt_path ?? null, config.scheduler_type]);
}

/**
 * The seed's FileNotFoundError cases (the project, and for local runs the solver executable), the allowed
 * directories and the executable policy (README "Executables"). Returns what the launch re-check compares.
 * With `sharing` (a batch's memo, or the checks of one event-loop turn), work shared by several configs is done once.
 */
export async function checkSubmissionResources(
  config: HFSSSimulationConfig,
  staged: boolean,
  context: ResourceCheckContext,
  sharing: ResourceCheckSharing = new ResourceCheckMemo(),
): Promise<CheckedResources> {
  const projectPath = config.project_path ?? '';
  const roots = staged ? [] : context.config.security.projectRoots;
  const project = await sharing.once(`project\0${staged}\0${projectPath}`, () => checkProject(projectPath, roots));
  const files = [project.file];
  let executableRunPath: string | undefined;
  if (config.ansys_edt_path !== undefined) {
    const clientPath = config.ansys_edt_path;
    const executable = await sharing.once(`executable\0${clientPath}`, async () => {
      const checked = await checkClientExecutable(clientPath, context.config.security.executableRoots);
      return { runPath: checked.runPath, file: await identify('ansys_edt_path', checked.runPath, checked.realPath) };
    });
    executableRunPath = executable.runPath;
    files.push(executable.file);
  }
  if (config.scheduler_type !== SchedulerType.NONE) {
    context.schedulers.get(config.scheduler_type);
  } else if (executableRunPath === undefined) {
    const solver = context.config.solver.ansysEdtPath;
    if (!(await sharing.once(`solver\0${solver}`, () => resolveExecutable(solver)))) {
      throw new FileNotFoundError(solver, 'ansysedt executable');
    }
  }
  return { projectRealPath: project.projectRealPath, executableRunPath, files };
}
