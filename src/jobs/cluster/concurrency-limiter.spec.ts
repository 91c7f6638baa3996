import { ConcurrencyLimiter } from './concurrency-limiter';

describe(ConcurrencyLimiter.name, () => {
  const deferred = (): { promise: Promise<void>; resolve: () => void; reject: (error: Error) => void } => {
    let resolve!: () => void;
    let reject!: (error: Error) => void;
    const promise = new Promise<void>((ok, fail) => {
      resolve = ok;
      reject = fail;
    });
    return { promise, resolve, reject };
  };
  const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

  it('should run up to the limit at once, start the others in arrival order as slots free, and free a slot on failure', async () => {
    const limiter = new ConcurrencyLimiter(3);
    const gates = Array.from({ length: 6 }, deferred);
    const started: number[] = [];
    const results = gates.map((gate, index) =>
      limiter.run(async () => {
        started.push(index);
        await gate.promise;
        return index;
      }),
    );
    await settle();
    expect(started).toEqual([0, 1, 2]);
    expect([limiter.running, limiter.queued]).toEqual([3, 3]);
    gates[1].reject(new Error('sbatch failed'));
    await expect(results[1]).rejects.toThrow('sbatch failed');
    await settle();
    expect(started).toEqual([0, 1, 2, 3]);
    gates[0].resolve();
    gates[2].resolve();
    await settle();
    expect(started).toEqual([0, 1, 2, 3, 4, 5]);
    expect(limiter.running).toBe(3);
    [3, 4, 5].forEach((index) => gates[index].resolve());
    await expect(Promise.all([results[0], results[2], results[3], results[4], results[5]])).resolves.toEqual([0, 2, 3, 4, 5]);
    expect([limiter.running, limiter.queued]).toEqual([0, 0]);
  });

  it('should refuse a limit that is not a positive integer', () => {
    expect(() => new ConcurrencyLimiter(0)).toThrow(RangeError);
  });
});
