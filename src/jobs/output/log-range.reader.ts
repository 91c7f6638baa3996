import { open } from 'node:fs/promises';

const CHUNK = 64 * 1024;

/**
 * Byte offset where the last `lines` lines of the file begin, reading backwards from `size` in 64 KiB chunks,
 * so that the tail of a 100 MB log costs a few reads, never the whole file. A final newline does not count as
 * an empty last line.
 */
export async function tailOffset(path: string, size: number, lines: number): Promise<number> {
  if (lines <= 0 || size === 0) return size;
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(CHUNK);
    let end = size;
    let newlines = 0;
    let skipFinalNewline = true;
    while (end > 0) {
      const start = Math.max(0, end - CHUNK);
      const { bytesRead } = await handle.read(buffer, 0, end - start, start);
      for (let i = bytesRead - 1; i >= 0; i--) {
        if (buffer[i] !== 0x0a) {
          skipFinalNewline = false;
          continue;
        }
        if (skipFinalNewline) {
          skipFinalNewline = false;
          continue;
        }
        if (++newlines === lines) return start + i + 1;
      }
      end = start;
    }
    return 0;
  } finally {
    await handle.close();
  }
}

export interface ByteRange {
  start: number;
  /** Inclusive. */
  end: number;
}

/**
 * Parses a single-range `Range: bytes=…` header against a file of `size` bytes (RFC 9110 §14.1.2): `a-b`, `a-`
 * and the suffix form `-n`. Returns undefined for a syntactically invalid header (it is then ignored, as the RFC
 * says) and 'unsatisfiable' when the range lies beyond the file (416).
 */
export function parseRangeHeader(header: string, size: number): ByteRange | 'unsatisfiable' | undefined {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0) return 'unsatisfiable';
    return size === 0 ? 'unsatisfiable' : { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(match[1]);
  const end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  if (match[2] !== '' && Number(match[2]) < start) return undefined;
  return start >= size ? 'unsatisfiable' : { start, end };
}
