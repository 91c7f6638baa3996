import { ChunkSizer, MAX_JOBS_PER_CHUNK, settleInChunks } from './settlement-chunks';

describe('settlement in chunks', () => {
  it('should settle every item once, in order, giving the event loop a turn between chunks of at most 16', async () => {
    const sizer = new ChunkSizer();
    const settled: number[] = [];
    const chunks: number[][] = [[]];
    // Someone else's setImmediate, re-queued each turn, starts a new chunk record: it ran between two chunks.
    let ticks = 0;
    const ticker = (): void => {
      ticks += 1;
      chunks.push([]);
      if (settled.length < 100) setImmediate(ticker);
    };
    setImmediate(ticker);
    await settleInChunks(
      Array.from({ length: 100 }, (_, index) => index),
      (index) => {
        settled.push(index);
        chunks.at(-1)!.push(index);
      },
      sizer,
    );
    expect(settled).toEqual(Array.from({ length: 100 }, (_, index) => index));
    const nonEmpty = chunks.filter((chunk) => chunk.length > 0);
    expect(nonEmpty.length).toBeGreaterThanOrEqual(Math.ceil(100 / MAX_JOBS_PER_CHUNK));
    expect(Math.max(...nonEmpty.map((chunk) => chunk.length))).toBeLessThanOrEqual(MAX_JOBS_PER_CHUNK);
    expect(ticks).toBeGreaterThan(1);
  });

  it('should size chunks from what the last ones took: fewer jobs when each takes long, never fewer than one or more than 16', () => {
    const sizer = new ChunkSizer();
    sizer.record(1, 50);
    sizer.record(1, 50);
    expect(sizer.next).toBe(1);
    for (let i = 0; i < 20; i++) sizer.record(16, 0.1);
    expect(sizer.next).toBe(MAX_JOBS_PER_CHUNK);
    for (let i = 0; i < 20; i++) sizer.record(10, 10);
    expect(sizer.next).toBe(5);
  });
});
