import { open } from 'node:fs/promises';
import { NativeJobState } from '../../scheduler-backend';
import { parseAccountingRecords } from './accounting-record.parser';

const CHUNK_BYTES = 1 << 20;

/**
 * Final records for `ids` from the accounting file, read backwards from its end in 1 MiB chunks until every id is
 * found or the file is exhausted: recently finished jobs cost one small read however long the site's history is.
 * A missing or unreadable file yields no records (the jobs' states are then kept, not guessed).
 */
export async function readAccountingRecords(path: string, ids: readonly string[]): Promise<Map<string, NativeJobState>> {
  const wanted = new Set(ids);
  const found = new Map<string, NativeJobState>();
  const file = await open(path, 'r').catch(() => null);
  if (!file) {
    return found;
  }
  try {
    let end = (await file.stat()).size;
    let carry = Buffer.alloc(0);
    while (end > 0 && found.size < wanted.size) {
      const start = Math.max(0, end - CHUNK_BYTES);
      const chunk = Buffer.alloc(end - start);
      await file.read(chunk, 0, chunk.length, start);
      const bytes = Buffer.concat([chunk, carry]);
      // The first line of a chunk may be cut: keep its bytes for the next (earlier) chunk unless this is the start.
      const cut = start === 0 ? 0 : bytes.indexOf(0x0a) + 1;
      carry = bytes.subarray(0, cut);
      for (const [id, state] of parseAccountingRecords(bytes.subarray(cut).toString('utf8'), wanted)) {
        // Reading backwards: a record found in a later chunk is newer and already won.
        if (!found.has(id)) found.set(id, state);
      }
      end = start;
    }
  } finally {
    await file.close();
  }
  return found;
}
