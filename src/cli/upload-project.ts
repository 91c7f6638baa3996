import { openAsBlob, readdirSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, relative, sep } from 'node:path';
import { ZipFile } from 'yazl';
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { JobManagerClient } from './job-manager-client';
import { usageError } from './exit-codes';

export interface UploadedProject {
  project_id: string;
  file_name: string;
  sha256: string;
  size: number;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) return filesUnder(full);
    return entry.isFile() ? [full] : [];
  });
}

/** Zips an `.aedb` folder (under its own name, as the service expects) into `zipPath`. */
async function zipFolder(folder: string, zipPath: string): Promise<void> {
  const zip = new ZipFile();
  const parent = join(folder, '..');
  for (const file of filesUnder(folder)) zip.addFile(file, relative(parent, file).split(sep).join('/'));
  zip.end();
  await pipeline(zip.outputStream, createWriteStream(zipPath));
}

/** Uploads a local `.aedt`/`.aedtz` file, a zipped `.aedb`, or an `.aedb` folder (zipped here) with POST /projects. */
export async function uploadProject(client: JobManagerClient, localPath: string): Promise<UploadedProject> {
  let stats;
  try {
    stats = statSync(localPath);
  } catch {
    throw usageError(`no such project: ${localPath}`);
  }
  const scratch = stats.isDirectory() ? await mkdtemp(join(tmpdir(), 'hfss-upload-')) : undefined;
  try {
    const file = scratch ? join(scratch, `${basename(localPath)}.zip`) : localPath;
    if (scratch) await zipFolder(localPath, file);
    const form = new FormData();
    form.append('file', await openAsBlob(file), basename(file));
    const response = await client.request('/projects', { method: 'POST', body: form });
    return (await response.json()) as UploadedProject;
  } finally {
    if (scratch) await rm(scratch, { recursive: true, force: true });
  }
}
