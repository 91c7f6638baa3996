import { performance } from 'node:perf_hooks';

/** Jobs settled in one synchronous slice at most, whatever the sizer measured. */
export const MAX_JOBS_PER_CHUNK = 16;

/** The time one slice aims at, well under the 20 ms the event loop may be held at a time. */
export const TARGET_CHUNK_MS = 5;

/**
 * How many jobs the next slice of a settlement takes: the number that took about TARGET_CHUNK_MS in the slices
 * measured so far (each job's store commit and notifications), between 1 and MAX_JOBS_PER_CHUNK. Starts at 4 and
 * follows the measurements, so a slow disk (a commit with fsync) shrinks the slices and a fast one grows them.
 */
export class ChunkSizer {
  private perJobMs = TARGET_CHUNK_MS / 4;

  get next(): number {
    return Math.max(1, Math.min(MAX_JOBS_PER_CHUNK, Math.floor(TARGET_CHUNK_MS / this.perJobMs)));
  }

  /** Records a slice: `jobs` settled in `elapsedMs`. */
  record(jobs: number, elapsedMs: number): void {
    if (jobs <= 0) return;
    const measured = Math.max(elapsedMs / jobs, 0.01);
    // Moves half-way towards the latest measurement: one slow slice (a checkpoint) does not collapse the size for good.
    this.perJobMs = (this.perJobMs + measured) / 2;
  }
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Calls `settle` for every item in slices sized by `sizer`, giving the event loop a turn (setImmediate: timers, I/O,
 * HTTP requests) between slices, so that settling a thousand jobs never holds the loop for more than one slice.
 */
export async function settleInChunks<T>(items: readonly T[], settle: (item: T) => void, sizer: ChunkSizer): Promise<void> {
  for (let start = 0; start < items.length;) {
    const count = sizer.next;
    const began = performance.now();
    const end = Math.min(items.length, start + count);
    for (let index = start; index < end; index++) settle(items[index]);
    sizer.record(end - start, performance.now() - began);
    start = end;
    if (start < items.length) await nextTurn();
  }
}
