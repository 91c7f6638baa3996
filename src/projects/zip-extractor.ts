import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Entry, open as openZip, ZipFile } from 'yauzl';

export class UnsafeArchiveError extends Error {}

export interface ExtractLimits {
  maxEntries: number;
  maxTotalBytes: number;
}

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;

/**
 * Why a zip entry may not be extracted, or undefined when it may: absolute paths, drive letters, `..` segments,
 * backslashes (a Windows separator that Linux would keep in a name), NUL, and anything that is not a plain file
 * or directory (symlinks, devices) are refused — the zip-slip family.
 */
export function unsafeEntryReason(entry: Pick<Entry, 'fileName' | 'externalFileAttributes' | 'versionMadeBy'>): string | undefined {
  const name = entry.fileName;
  if (name.includes('\0') || name.includes('\\')) return 'a backslash or NUL in its name';
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) return 'an absolute path';
  if (name.split('/').some((segment) => segment === '..')) return 'a ".." segment';
  const madeByUnix = entry.versionMadeBy >> 8 === 3;
  const mode = (entry.externalFileAttributes >>> 16) & S_IFMT;
  if (madeByUnix && mode !== 0 && mode !== S_IFREG && mode !== S_IFDIR) return mode === 0o120000 ? 'a symbolic link' : 'a special file';
  return undefined;
}

/**
 * Extracts every entry of the zip under `target` after checking all of them first (nothing is written from an
 * archive with one bad entry). yauzl also validates names and sizes itself (`validateEntrySizes`, strictFileNames).
 */
export async function extractZip(zipPath: string, target: string, limits: ExtractLimits): Promise<string[]> {
  const zip: ZipFile = await new Promise((resolve, reject) =>
    openZip(zipPath, { lazyEntries: true, validateEntrySizes: true, strictFileNames: true, autoClose: false }, (error, file) => (error ? reject(new UnsafeArchiveError(`unreadable zip: ${error.message}`)) : resolve(file))),
  );
  try {
    const entries = await readEntries(zip, limits);
    const written: string[] = [];
    for (const entry of entries) {
      const path = join(target, ...entry.fileName.split('/').filter(Boolean));
      if (entry.fileName.endsWith('/')) {
        await mkdir(path, { recursive: true });
        continue;
      }
      await mkdir(dirname(path), { recursive: true });
      const stream = await new Promise<NodeJS.ReadableStream>((resolve, reject) => zip.openReadStream(entry, (error, read) => (error ? reject(error) : resolve(read))));
      await pipeline(stream, createWriteStream(path, { flags: 'wx' }));
      written.push(entry.fileName);
    }
    return written;
  } finally {
    zip.close();
  }
}

async function readEntries(zip: ZipFile, limits: ExtractLimits): Promise<Entry[]> {
  const entries: Entry[] = [];
  let total = 0;
  return new Promise((resolve, reject) => {
    zip.on('entry', (entry: Entry) => {
      const reason = unsafeEntryReason(entry);
      total += entry.uncompressedSize;
      if (reason) return reject(new UnsafeArchiveError(`zip entry ${JSON.stringify(entry.fileName)} is refused: ${reason}`));
      if (entries.length + 1 > limits.maxEntries) return reject(new UnsafeArchiveError(`the zip has more than ${limits.maxEntries} entries`));
      if (total > limits.maxTotalBytes) return reject(new UnsafeArchiveError(`the zip expands to more than ${limits.maxTotalBytes} bytes`));
      entries.push(entry);
      zip.readEntry();
    });
    zip.on('end', () => resolve(entries));
    zip.on('error', (error: Error) => reject(new UnsafeArchiveError(`unreadable zip: ${error.message}`)));
    zip.readEntry();
  });
}
