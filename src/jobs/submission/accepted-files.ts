import { BigIntStats } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { FileNotFoundError } from '../../common/errors/job-manager.errors';
import { AcceptedFile } from '../model/accepted-file';

export type { AcceptedFile } from '../model/accepted-file';

/** Where jobs accepted before migration 007 keep their record (newer jobs keep it in their row). */
const LEGACY_RECORD_NAME = 'accepted-files.json';

export async function identify(field: AcceptedFile['field'], runPath: string, realPath: string): Promise<AcceptedFile> {
  const stats = await stat(realPath, { bigint: true }).catch(() => {
    throw new FileNotFoundError(runPath, field === 'project_path' ? 'Project file' : 'ansysedt executable');
  });
  return acceptedFile(field, runPath, realPath, stats);
}

/** The record of a file from a `stat(…, { bigint: true })` of it already made (which follows symlinks, as realPath does). */
export function acceptedFile(field: AcceptedFile['field'], runPath: string, realPath: string, stats: BigIntStats): AcceptedFile {
  return { field, runPath, realPath, dev: stats.dev.toString(), ino: stats.ino.toString() };
}

/**
 * The record a job accepted before migration 007 wrote into its work dir; undefined when there is none (accepted
 * before records existed) or it is torn: the launch re-check then falls back to the path checks.
 */
export async function readLegacyAcceptedFiles(workDir: string): Promise<AcceptedFile[] | undefined> {
  const text = await readFile(join(workDir, LEGACY_RECORD_NAME), 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') {
      return undefined;
    }
    throw error;
  });
  try {
    return text === undefined ? undefined : (JSON.parse(text) as { files: AcceptedFile[] }).files;
  } catch {
    return undefined; // torn by a crash: the launch re-check falls back to the path checks
  }
}
