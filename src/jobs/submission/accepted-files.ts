import { BigIntStats, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { FileNotFoundError, StorageFailureError } from '../../common/errors/job-manager.errors';

/** A file a job was accepted with: the path the solver is handed and the identity of the real file behind it. */
export interface AcceptedFile {
  field: 'project_path' | 'ansys_edt_path';
  runPath: string;
  realPath: string;
  /** `dev` and `ino` as decimal strings (64-bit inode numbers do not fit a JS number). */
  dev: string;
  ino: string;
}

const RECORD_NAME = 'accepted-files.json';

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

function storageFailure(error: unknown): never {
  const code = (error as NodeJS.ErrnoException).code;
  throw new StorageFailureError(`The accepted files of the job could not be recorded (${code ?? String(error)}); nothing was changed`);
}

/**
 * Writes the record under a name of its own and returns a commit function that moves it into place
 * (so it can run between the duplicate check and the insert), and a discard function. Synchronous, like the
 * batch's writeAcceptedFilesSync: a directory and a file of a few hundred bytes into the page cache (never
 * fsynced) take tens of microseconds, less than the promise API's round trips through the thread pool cost.
 */
export function stageAcceptedFiles(workDir: string, files: readonly AcceptedFile[]): { commit(): void; discard(): void } {
  const staged = join(workDir, `.${RECORD_NAME}.${randomBytes(6).toString('hex')}`);
  try {
    mkdirSync(workDir, { recursive: true });
    // Not fsynced: the job store's commit is the durable acknowledgement, and a record lost or torn by a power cut
    // only falls back to the path checks (readAcceptedFiles), it never lets a swapped file through unchecked.
    writeFileSync(staged, JSON.stringify({ version: 1, files }));
  } catch (error) {
    rmSync(staged, { force: true });
    storageFailure(error);
  }
  return {
    commit: () => {
      try {
        renameSync(staged, join(workDir, RECORD_NAME));
      } catch (error) {
        rmSync(staged, { force: true });
        storageFailure(error);
      }
    },
    discard: () => rmSync(staged, { force: true }),
  };
}

/**
 * Writes the record of a job already in the store (a batch: the row exists, so no other submission of this jobid
 * touches the directory and no staging name is needed). Synchronous: a batch writes thousands, and one syscall per
 * step costs far less than the promise API's round trips. Throws the fs error; a missing or torn record only falls
 * back to the path checks at launch (readAcceptedFiles).
 */
export function writeAcceptedFilesSync(workDir: string, files: readonly AcceptedFile[]): void {
  try {
    mkdirSync(workDir);
  } catch (error) {
    // Its parent (the jobs directory) must exist: a data dir removed meanwhile is not re-created here.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  writeFileSync(join(workDir, RECORD_NAME), JSON.stringify({ version: 1, files }));
}

/** The files recorded when the job was accepted; undefined for jobs accepted before records existed (or a torn record). */
export async function readAcceptedFiles(workDir: string): Promise<AcceptedFile[] | undefined> {
  const text = await readFile(join(workDir, RECORD_NAME), 'utf8').catch((error: NodeJS.ErrnoException) => {
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
