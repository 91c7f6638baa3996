import { ConcurrencyLimiter } from './concurrency-limiter';
import { SubmissionCoalescer } from './submission-coalescer';

/** A scheduler whose commands the test answers one by one. */
function scheduler() {
  const calls: Array<{ items: string[]; answer: (error?: Error) => void }> = [];
  const call = (items: string[]) =>
    new Promise<string[]>((resolve, reject) => {
      calls.push({ items, answer: (error) => (error ? reject(error) : resolve(items.map((item) => `id-of-${item}`))) });
    });
  return {
    calls,
    one: async (item: string) => (await call([item]))[0],
    group: (items: readonly string[]) => call([...items]),
  };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('SubmissionCoalescer', () => {
  it('sends a submission that finds a slot free on its own, at once', async () => {
    const fake = scheduler();
    const coalescer = new SubmissionCoalescer(new ConcurrencyLimiter(2), () => 10, fake.one, fake.group);
    const a = coalescer.submit('a', 'k');
    const b = coalescer.submit('b', 'k');
    await turn();
    expect(fake.calls.map((call) => call.items)).toEqual([['a'], ['b']]);
    fake.calls.forEach((call) => call.answer());
    await expect(Promise.all([a, b])).resolves.toEqual(['id-of-a', 'id-of-b']);
  });

  it('sends what waited for a busy slot as one group per key, in arrival order, no larger than maxGroup', async () => {
    const fake = scheduler();
    const coalescer = new SubmissionCoalescer(new ConcurrencyLimiter(1), () => 3, fake.one, fake.group);
    const results = ['a', 'b1', 'c1', 'b2', 'b3', 'b4', 'x'].map((item) => coalescer.submit(item, item === 'x' ? undefined : item[0]));
    await turn();
    expect(fake.calls.map((call) => call.items)).toEqual([['a']]);
    fake.calls[0].answer();
    await turn();
    // b1 came first among the waiting: its key's others join it (at most 3), c1 and x wait.
    expect(fake.calls[1].items).toEqual(['b1', 'b2', 'b3']);
    fake.calls[1].answer();
    await turn();
    expect(fake.calls[2].items).toEqual(['c1']);
    fake.calls[2].answer();
    await turn();
    expect(fake.calls[3].items).toEqual(['b4']);
    fake.calls[3].answer();
    await turn();
    // No key: always on its own.
    expect(fake.calls[4].items).toEqual(['x']);
    fake.calls[4].answer();
    await expect(Promise.all(results)).resolves.toEqual(['id-of-a', 'id-of-b1', 'id-of-c1', 'id-of-b2', 'id-of-b3', 'id-of-b4', 'id-of-x']);
    expect(coalescer.queued).toBe(0);
  });

  it("fails every member of a group with the group's error, and only them", async () => {
    const fake = scheduler();
    const coalescer = new SubmissionCoalescer(new ConcurrencyLimiter(1), () => 10, fake.one, fake.group);
    const first = coalescer.submit('a', 'k');
    const grouped = [coalescer.submit('b', 'k'), coalescer.submit('c', 'k')];
    await turn();
    fake.calls[0].answer();
    await turn();
    fake.calls[1].answer(new Error('sbatch: error: Batch job submission failed'));
    await expect(first).resolves.toBe('id-of-a');
    for (const member of grouped) await expect(member).rejects.toThrow(/submission failed/);
  });

  it('keeps to the limiter: never more commands at once than its slots, whatever is shared with it', async () => {
    const fake = scheduler();
    const limiter = new ConcurrencyLimiter(2);
    const coalescer = new SubmissionCoalescer(limiter, () => 10, fake.one, fake.group);
    const poll = limiter.run(() => new Promise<void>((resolve) => setTimeout(resolve, 20)));
    const results = Array.from({ length: 6 }, (_, i) => coalescer.submit(`j${i}`, 'k'));
    await turn();
    expect(limiter.running).toBe(2);
    expect(fake.calls).toHaveLength(1);
    await poll;
    await turn();
    expect(fake.calls.map((call) => call.items)).toEqual([['j0'], ['j1', 'j2', 'j3', 'j4', 'j5']]);
    fake.calls.forEach((call) => call.answer());
    await expect(Promise.all(results)).resolves.toHaveLength(6);
  });
});
