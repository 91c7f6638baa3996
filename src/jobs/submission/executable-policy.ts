import { constants } from 'node:fs';
import { access, realpath, stat } from 'node:fs/promises';
import { basename, isAbsolute } from 'node:path';
import { FileNotFoundError, ValidationFailedError } from '../../common/errors/job-manager.errors';
import { resolveExecutable } from './executable-resolver';
import { isInsideRoots } from './path-policy';
import { batchFileProblem } from '../../platform/paths';

/** File names a client-given solver may have when no executable roots are configured. */
export const SOLVER_EXECUTABLE_NAMES: readonly string[] = ['ansysedt', 'ansysedt.exe'];

export function isNamedLikeSolver(path: string, platform = process.platform): boolean {
  const name = basename(path);
  return SOLVER_EXECUTABLE_NAMES.includes(platform === 'win32' ? name.toLowerCase() : name);
}

/** A client-given executable that passed the policy: the path to run and the real file behind it. */
export interface CheckedExecutable {
  /** Absolute path handed to the spawner (a bare name is resolved through PATH once, here). */
  runPath: string;
  realPath: string;
}

/** What the policy needs to know of a file (fs.Stats and fs.BigIntStats both have it). */
export interface FileKind {
  isFile(): boolean;
  isDirectory(): boolean;
}

async function isExecutableByUs(path: string): Promise<boolean> {
  return access(path, process.platform === 'win32' ? constants.F_OK : constants.X_OK).then(
    () => true,
    () => false,
  );
}

/**
 * Why the file at `runPath` may not run as a client-given solver, or undefined. It must be a regular file the
 * service user can execute and, when `roots` is empty, be named like the solver; with roots, its real path must
 * lie inside one of them.
 */
export async function executableProblem(runPath: string, realPath: string, stats: FileKind, roots: readonly string[]): Promise<string | undefined> {
  const shown = realPath === runPath ? runPath : `${runPath} (resolves to ${realPath})`;
  if (!stats.isFile()) {
    return `ansys_edt_path ${shown} is not a regular file${stats.isDirectory() ? ' (it is a directory)' : ''}`;
  }
  const batch = batchFileProblem(realPath);
  if (batch) {
    return `ansys_edt_path ${batch}`;
  }
  if (!(await isExecutableByUs(realPath))) {
    return `ansys_edt_path ${shown} is not executable by the service user`;
  }
  if (roots.length > 0) {
    return isInsideRoots(realPath, roots) ? undefined : `ansys_edt_path ${shown} is outside the allowed directories: ${roots.join(', ')}`;
  }
  return isNamedLikeSolver(realPath)
    ? undefined
    : `ansys_edt_path ${shown} is not named like the solver (${SOLVER_EXECUTABLE_NAMES.join(' or ')}); ` +
        'an operator can allow other executables with HFSS_JM_EXECUTABLE_ROOTS';
}

/**
 * The executable policy for a per-job `ansys_edt_path` (the operator's HFSS_JM_ANSYSEDT_PATH is trusted and not
 * checked here). Throws FileNotFoundError when nothing is there, ValidationFailedError when the policy refuses it.
 */
export async function checkClientExecutable(given: string, roots: readonly string[]): Promise<CheckedExecutable> {
  const runPath = isAbsolute(given) || given.includes('/') || given.includes('\\') ? given : await resolveExecutable(given);
  const stats = runPath === undefined ? undefined : await stat(runPath).catch(() => undefined);
  if (runPath === undefined || stats === undefined) {
    throw new FileNotFoundError(given, 'ansysedt executable');
  }
  if (!isAbsolute(runPath)) {
    throw new ValidationFailedError(`ansys_edt_path must be an absolute path or a name found on PATH: ${given}`);
  }
  const realPath = await realpath(runPath);
  const problem = await executableProblem(runPath, realPath, stats, roots);
  if (problem) {
    throw new ValidationFailedError(problem);
  }
  return { runPath, realPath };
}
