import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import busboy from 'busboy';
import type { Request } from 'express';
import { StorageFailureError, ValidationFailedError } from '../common/errors/job-manager.errors';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.constants';
import { ProjectNotFoundError, UnsupportedUploadError, UploadTooLargeError } from './project-upload.errors';
import { PROJECT_ID_PATTERN, UPLOAD_FILE_NAME_PATTERN, UploadedProject } from './uploaded-project';
import { extractZip, UnsafeArchiveError } from './zip-extractor';

const MANIFEST = 'project.json';
const isDiskError = (error: unknown): boolean => ['ENOSPC', 'EDQUOT', 'EIO', 'EROFS'].includes((error as NodeJS.ErrnoException)?.code ?? '');

/**
 * Receives a project over multipart/form-data (field `file`), streamed to disk while it is hashed, so that its
 * size is bounded by the disk rather than memory; zipped `.aedb` folders are extracted with zip-slip checks.
 * Nothing is kept from a refused or interrupted upload.
 */
@Injectable()
export class ProjectUploadService {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  private get projectsDir(): string {
    return join(this.config.staging.dir, 'projects');
  }

  async receive(request: Request): Promise<UploadedProject> {
    if (!/^multipart\/form-data\b/i.test(request.headers['content-type'] ?? '')) {
      throw new UnsupportedUploadError('Upload a project as multipart/form-data with one file field named "file" (curl -F file=@antenna.aedt)');
    }
    const id = `prj_${randomBytes(12).toString('hex')}`;
    const dir = join(this.projectsDir, id);
    await mkdir(dir, { recursive: true }).catch((error: unknown) => this.rethrow(error));
    try {
      const received = await this.stream(request, dir);
      const project = await this.finish(id, dir, received);
      await writeFile(join(dir, MANIFEST), JSON.stringify(project, null, 2));
      return project;
    } catch (error) {
      await rm(dir, { recursive: true, force: true }).catch(() => undefined);
      return this.rethrow(error);
    }
  }

  async get(id: string): Promise<UploadedProject> {
    if (!PROJECT_ID_PATTERN.test(id)) throw new ProjectNotFoundError(id);
    const text = await readFile(join(this.projectsDir, id, MANIFEST), 'utf8').catch(() => undefined);
    if (!text) throw new ProjectNotFoundError(id);
    return JSON.parse(text) as UploadedProject;
  }

  private stream(request: Request, dir: string): Promise<{ fileName: string; path: string; sha256: string; size: number }> {
    return new Promise((resolve, reject) => {
      let parser: busboy.Busboy;
      try {
        parser = busboy({ headers: request.headers, limits: { files: 1, fileSize: this.config.staging.maxUploadBytes, fields: 0 } });
      } catch (error) {
        return reject(new UnsupportedUploadError(`Unreadable multipart request: ${(error as Error).message}`));
      }
      let writing: Promise<{ fileName: string; path: string; sha256: string; size: number }> | undefined;
      const fail = (error: unknown): void => {
        request.unpipe(parser);
        request.resume();
        reject(error);
      };
      parser.on('file', (field, file, info) => {
        if (field !== 'file') {
          file.resume();
          return fail(new ValidationFailedError(`The upload's file field must be named "file" (got "${field}")`));
        }
        if (!UPLOAD_FILE_NAME_PATTERN.test(info.filename ?? '')) {
          file.resume();
          return fail(new ValidationFailedError(`Project file name must end in .aedt, .aedtz or .zip (a zipped .aedb) and contain only letters, digits, spaces and ._- (got ${JSON.stringify(info.filename)})`));
        }
        const hash = createHash('sha256');
        let size = 0;
        const path = join(dir, `.incoming-${info.filename}`);
        const count = new Transform({
          transform(chunk: Buffer, _encoding, done) {
            hash.update(chunk);
            size += chunk.length;
            done(null, chunk);
          },
        });
        file.on('limit', () => file.destroy(new UploadTooLargeError(`The project is larger than the upload limit of ${this.config.staging.maxUploadBytes / 1024 / 1024} MiB (HFSS_JM_MAX_UPLOAD_MB)`)));
        const fileName = info.filename ?? '';
        const written = pipeline(file, count, createWriteStream(path, { flags: 'wx' })).then(() => ({ fileName, path, sha256: hash.digest('hex'), size }));
        written.catch(fail);
        writing = written;
      });
      parser.on('filesLimit', () => fail(new ValidationFailedError('Upload one project per request')));
      parser.on('fieldsLimit', () => fail(new ValidationFailedError('Upload only the file field "file"')));
      parser.on('error', (error: Error) => fail(new UnsupportedUploadError(`Unreadable multipart request: ${error.message}`)));
      parser.on('close', () => {
        if (!writing) return fail(new ValidationFailedError('The upload has no file field named "file"'));
        writing.then(resolve, reject);
      });
      request.on('aborted', () => fail(new ValidationFailedError('The upload was interrupted')));
      request.pipe(parser);
    });
  }

  private async finish(id: string, dir: string, received: { fileName: string; path: string; sha256: string; size: number }): Promise<UploadedProject> {
    const base = { id, fileName: received.fileName, sha256: received.sha256, size: received.size, uploadedAt: Date.now() };
    const extension = received.fileName.split('.').pop()!.toLowerCase();
    if (extension !== 'zip') {
      const projectPath = join(dir, received.fileName);
      await rename(received.path, projectPath);
      return { ...base, kind: extension as 'aedt' | 'aedtz', projectPath };
    }
    const extracted = join(dir, 'extracted');
    try {
      await extractZip(received.path, extracted, { maxEntries: 100_000, maxTotalBytes: this.config.staging.maxUploadBytes * 4 });
    } catch (error) {
      if (error instanceof UnsafeArchiveError || (error as NodeJS.ErrnoException).code === 'EEXIST') {
        throw new ValidationFailedError(`Refused ${received.fileName}: ${(error as Error).message}`);
      }
      throw error;
    }
    await rm(received.path);
    const top = await readdir(extracted, { withFileTypes: true });
    const aedb = top.filter((entry) => entry.isDirectory() && entry.name.toLowerCase().endsWith('.aedb'));
    if (aedb.length === 1 && top.length === 1) {
      return { ...base, kind: 'aedb', projectPath: join(extracted, aedb[0]!.name) };
    }
    if (top.some((entry) => entry.isFile() && entry.name === 'edb.def')) {
      // The zip holds the folder's content: name the folder after the zip.
      const folder = join(dir, `${received.fileName.replace(/(\.aedb)?\.zip$/i, '')}.aedb`);
      await rename(extracted, folder);
      return { ...base, kind: 'aedb', projectPath: folder };
    }
    throw new ValidationFailedError(`${received.fileName} must hold one <name>.aedb folder (or the content of one, with its edb.def)`);
  }

  private rethrow(error: unknown): never {
    if (isDiskError(error)) throw new StorageFailureError(`The staging directory cannot be written (${(error as NodeJS.ErrnoException).code}): nothing was kept`);
    throw error;
  }
}
