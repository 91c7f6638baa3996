import { createReadStream, Dirent, ReadStream } from 'node:fs';
import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { Injectable } from '@nestjs/common';
import { ZipFile } from 'yazl';
import { FileNotFoundError, ValidationFailedError } from '../../common/errors/job-manager.errors';
import { JobRecord } from '../model/job-record';
import { JOB_FILE_ROOTS, JobFileRoot, rootDirectory, safeRelativeSegments } from './job-file-roots';
import { isInsidePath } from '../../platform/paths';

export interface JobFile {
  root: JobFileRoot;
  /** Relative to the root, with `/` separators. */
  path: string;
  size: number;
  modifiedAt: number;
  /** The file's real path (never shown to clients; used to read it). */
  realPath: string;
}

/** Listings stop here so that a results folder with millions of files cannot stall the service. */
export const MAX_LISTED_FILES = 10_000;

const isInside = (parent: string, child: string): boolean => isInsidePath(parent, child);

/**
 * What a job produced, confined to its work dir and its project's results folder: symlinks are followed only
 * while their real target stays inside the same root; anything else is left out of listings and refused.
 */
@Injectable()
export class JobFilesService {
  async list(job: JobRecord): Promise<{ files: JobFile[]; truncated: boolean }> {
    const files: JobFile[] = [];
    let truncated = false;
    for (const root of JOB_FILE_ROOTS) {
      const base = await realpath(rootDirectory(job, root)).catch(() => undefined);
      if (!base) continue;
      const pending: string[] = [base];
      while (pending.length > 0 && !truncated) {
        const dir = pending.pop()!;
        const entries: Dirent[] = await readdir(dir, { withFileTypes: true }).catch(() => []);
        entries.sort((a, b) => (a.name < b.name ? -1 : 1));
        for (const entry of entries) {
          const path = join(dir, entry.name);
          const real = await this.confinedRealPath(base, path);
          if (!real) continue;
          const info = await stat(real).catch(() => undefined);
          if (info?.isDirectory()) {
            if (!entry.isSymbolicLink()) pending.push(path);
          } else if (info?.isFile()) {
            if (files.length >= MAX_LISTED_FILES) {
              truncated = true;
              break;
            }
            files.push({ root, path: relative(base, path).split(sep).join('/'), size: info.size, modifiedAt: info.mtimeMs, realPath: real });
          }
        }
      }
    }
    return { files, truncated };
  }

  /** One file by root and relative path, or a 400 saying why not. */
  async resolve(job: JobRecord, root: string, relativePath: string): Promise<JobFile> {
    if (!(JOB_FILE_ROOTS as readonly string[]).includes(root)) {
      throw new ValidationFailedError(`Unknown file root "${root}": use one of ${JOB_FILE_ROOTS.join(', ')}`);
    }
    const segments = safeRelativeSegments(relativePath);
    if (!segments) {
      throw new ValidationFailedError(`File path must be relative to the ${root} folder, without "..": ${JSON.stringify(relativePath)}`);
    }
    const base = await realpath(rootDirectory(job, root as JobFileRoot)).catch(() => undefined);
    const path = base && join(base, ...segments);
    const real = path && (await this.confinedRealPath(base, path));
    const info = real ? await stat(real).catch(() => undefined) : undefined;
    if (!real || !info?.isFile()) {
      throw new FileNotFoundError(`${root}/${relativePath}`, `File of job ${job.id}`);
    }
    return { root: root as JobFileRoot, path: segments.join('/'), size: info.size, modifiedAt: info.mtimeMs, realPath: real };
  }

  open(file: JobFile, range?: { start: number; end: number }): ReadStream {
    return createReadStream(file.realPath, range);
  }

  /** A zip of every listed file (`work/…`, `results/…`), produced while it is sent. */
  async archive(job: JobRecord): Promise<NodeJS.ReadableStream> {
    const { files } = await this.list(job);
    const zip = new ZipFile();
    for (const file of files) {
      zip.addFile(file.realPath, `${file.root}/${file.path}`, { mtime: new Date(file.modifiedAt) });
    }
    zip.end();
    return zip.outputStream;
  }

  private async confinedRealPath(base: string, path: string): Promise<string | undefined> {
    const link = await lstat(path).catch(() => undefined);
    if (!link) return undefined;
    const real = await realpath(path).catch(() => undefined);
    return real && isInside(base, real) ? real : undefined;
  }
}
