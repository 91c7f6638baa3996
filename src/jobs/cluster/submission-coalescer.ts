import { ConcurrencyLimiter } from './concurrency-limiter';

interface Waiting<T, R> {
  item: T;
  key: string | undefined;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

/**
 * Submissions through a scheduler's command slots (ConcurrencyLimiter), coalesced while the slots are busy: a
 * submission that finds a slot free runs on its own at once; those that had to wait are taken, when a slot comes
 * free, together with every other waiting one of the same key (up to `maxGroup`) and sent as ONE command
 * (`submitGroup`: a job array). Like a group commit, it costs nothing when the scheduler keeps up and turns a queue
 * of N commands into a few when it does not. A submission without a key is always sent on its own. A group's
 * failure is each of its members' failure.
 */
export class SubmissionCoalescer<T, R> {
  private readonly waiting: Array<Waiting<T, R>> = [];

  constructor(
    private readonly limiter: ConcurrencyLimiter,
    /** Read at each send: the scheduler's limit may become known (or arrays refused) meanwhile. */
    private readonly maxGroup: () => number,
    private readonly submitOne: (item: T) => Promise<R>,
    private readonly submitGroup: (items: readonly T[]) => Promise<readonly R[]>,
  ) {}

  /** Submissions waiting for a slot now. */
  get queued(): number {
    return this.waiting.length;
  }

  submit(item: T, key: string | undefined): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.waiting.push({ item, key, resolve, reject });
      // One slot asked for per submission; a slot that finds its submission already sent in a group is given back.
      void this.limiter.run(() => this.sendNext());
    });
  }

  private async sendNext(): Promise<void> {
    const first = this.waiting.shift();
    if (!first) return;
    const group = [first];
    const maxGroup = this.maxGroup();
    if (first.key !== undefined) {
      for (let index = 0; index < this.waiting.length && group.length < maxGroup;) {
        if (this.waiting[index].key === first.key) group.push(...this.waiting.splice(index, 1));
        else index += 1;
      }
    }
    try {
      if (group.length === 1) {
        first.resolve(await this.submitOne(first.item));
        return;
      }
      const results = await this.submitGroup(group.map((entry) => entry.item));
      group.forEach((entry, index) => entry.resolve(results[index]));
    } catch (error) {
      for (const entry of group) entry.reject(error);
    }
  }
}
