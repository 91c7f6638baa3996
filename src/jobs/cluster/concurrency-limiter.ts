/**
 * At most `limit` operations at once; the others wait their turn in the order they came (FIFO). A slot is freed when
 * its operation settles, whether it resolved or threw. One per scheduler bounds the scheduler commands in flight
 * (HFSS_JM_SCHEDULER_MAX_PARALLEL_COMMANDS) without ever serialising them below that bound.
 */
export class ConcurrencyLimiter {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`a concurrency limit must be a positive integer (got ${limit})`);
  }

  /** Operations running now. */
  get running(): number {
    return this.active;
  }

  /** Operations waiting for a slot. */
  get queued(): number {
    return this.waiting.length;
  }

  async run<T>(operation: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.active += 1;
    }
    try {
      return await operation();
    } finally {
      // The slot passes straight to the next in line, so a newcomer cannot overtake it.
      const next = this.waiting.shift();
      if (next) next();
      else this.active -= 1;
    }
  }
}
