import { createWriteStream } from 'node:fs';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { JobManagerClient } from './job-manager-client';
import { humanSize, table } from './table';

export interface JobFile {
  root: string;
  path: string;
  size: number;
  modified_at: string;
}

export async function listFiles(client: JobManagerClient, id: string): Promise<{ items: JobFile[]; truncated: boolean }> {
  return client.call<{ items: JobFile[]; truncated: boolean }>('GET', `/jobs/${encodeURIComponent(id)}/files`);
}

export function filesTable(files: JobFile[]): string {
  return table(
    ['ROOT', 'PATH', 'SIZE', 'MODIFIED'],
    files.map((file) => [file.root, file.path, humanSize(file.size), file.modified_at]),
  );
}

/**
 * Downloads `<root>/<path>` (as listed by `files`), or the zip of all results without a path, streamed to `output`
 * (`-` for stdout). Answers where it was written.
 */
export async function download(client: JobManagerClient, id: string, filePath: string | undefined, output: string | undefined): Promise<string> {
  const base = `/jobs/${encodeURIComponent(id)}`;
  const url = filePath ? `${base}/files/${filePath.split('/').map(encodeURIComponent).join('/')}` : `${base}/archive`;
  const target = output ?? (filePath ? basename(filePath) : `${id}.zip`);
  const response = await client.request(url);
  const body = Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
  await pipeline(body, target === '-' ? process.stdout : createWriteStream(target));
  return target;
}
