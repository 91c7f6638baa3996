import { basename, dirname, extname, join } from 'node:path';
import { JobRecord } from '../model/job-record';

/** The folders whose files a job exposes: its own work dir, and the project's results folder next to the project. */
export type JobFileRoot = 'work' | 'results';

export const JOB_FILE_ROOTS: readonly JobFileRoot[] = ['work', 'results'];

/** `/p/antenna.aedt` → `/p/antenna.aedtresults`, as AEDT names it (also for `.aedtz` and `.aedb` projects). */
export function resultsFolderOf(projectPath: string): string {
  const name = basename(projectPath, extname(projectPath));
  return join(dirname(projectPath), `${name}.aedtresults`);
}

export function rootDirectory(job: JobRecord, root: JobFileRoot): string {
  return root === 'work' ? job.workDir : resultsFolderOf(job.config.project_path ?? job.workDir);
}

/**
 * A client-given relative path inside a root, as path segments; undefined when it could leave the root or is
 * not a plain relative path (absolute, drive letters, `..`, empty or `.` segments, NUL, backslashes).
 */
export function safeRelativeSegments(relative: string): string[] | undefined {
  if (relative.length === 0 || relative.length > 4096 || /[\0\\]/.test(relative) || relative.startsWith('/') || /^[A-Za-z]:/.test(relative)) {
    return undefined;
  }
  const segments = relative.split('/');
  return segments.every((segment) => segment !== '' && segment !== '.' && segment !== '..') ? segments : undefined;
}
