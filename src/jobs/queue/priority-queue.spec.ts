import fc from 'fast-check';
import { PriorityQueue, QueueEntry, runsBefore } from './priority-queue';

function drain(queue: PriorityQueue): string[] {
  const order: string[] = [];
  for (let entry = queue.pop(); entry; entry = queue.pop()) {
    order.push(entry.id);
  }
  return order;
}

function sortedIds(entries: QueueEntry[]): string[] {
  return [...entries].sort((a, b) => (runsBefore(a, b) ? -1 : runsBefore(b, a) ? 1 : 0)).map((e) => e.id);
}

describe(PriorityQueue.name, () => {
  it('should pop higher priority first and keep FIFO order within a priority', () => {
    const queue = new PriorityQueue();
    queue.push({ id: 'low-1', priority: 0, seq: 1 });
    queue.push({ id: 'high-1', priority: 5, seq: 2 });
    queue.push({ id: 'low-2', priority: 0, seq: 3 });
    queue.push({ id: 'high-2', priority: 5, seq: 4 });
    queue.push({ id: 'neg', priority: -3, seq: 5 });
    expect(drain(queue)).toEqual(['high-1', 'high-2', 'low-1', 'low-2', 'neg']);
  });

  it('should reject a job queued twice', () => {
    const queue = new PriorityQueue();
    queue.push({ id: 'a', priority: 0, seq: 1 });
    expect(() => queue.push({ id: 'a', priority: 1, seq: 2 })).toThrow('already queued');
  });

  it('should move a re-prioritised job and keep its submission order among equals', () => {
    const queue = new PriorityQueue();
    ['a', 'b', 'c', 'd'].forEach((id, seq) => queue.push({ id, priority: 0, seq }));
    expect(queue.reprioritise('c', 10)).toBe(true);
    expect(queue.reprioritise('a', -1)).toBe(true);
    expect(queue.reprioritise('missing', 3)).toBe(false);
    expect(queue.positionOf('c')).toBe(1);
    expect(queue.positionOf('a')).toBe(4);
    expect(drain(queue)).toEqual(['c', 'b', 'd', 'a']);
  });

  it('should agree with a full sort after random pushes, removals and priority changes', () => {
    let seed = 42;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const queue = new PriorityQueue();
    const live = new Map<string, QueueEntry>();
    for (let step = 0; step < 5_000; step++) {
      const action = random(10);
      const ids = [...live.keys()];
      if (action < 6 || ids.length === 0) {
        const entry = { id: `j${step}`, priority: random(7) - 3, seq: step };
        queue.push(entry);
        live.set(entry.id, { ...entry });
      } else if (action < 8) {
        const id = ids[random(ids.length)]!;
        expect(queue.remove(id)).toBe(true);
        live.delete(id);
      } else {
        const id = ids[random(ids.length)]!;
        const priority = random(7) - 3;
        queue.reprioritise(id, priority);
        live.get(id)!.priority = priority;
      }
    }
    const expected = sortedIds([...live.values()]);
    expect(queue.size).toBe(live.size);
    expect(queue.head(25).map((e) => e.id)).toEqual(expected.slice(0, 25));
    expect(drain(queue)).toEqual(expected);
  });

  it('should return fewer head entries than asked when the queue is short', () => {
    const queue = new PriorityQueue();
    expect(queue.head(3)).toEqual([]);
    queue.push({ id: 'only', priority: 1, seq: 1 });
    expect(queue.head(3).map((e) => e.id)).toEqual(['only']);
    expect(queue.peek()?.id).toBe('only');
  });

  it('should give every queued job its 1-based position in run order after any mix of operations', () => {
    type Op = { kind: 'push'; priority: number } | { kind: 'remove'; pick: number } | { kind: 'reprioritise'; pick: number; priority: number } | { kind: 'pop' };
    const priority = fc.integer({ min: -1000, max: 1000 }).chain((wide) => fc.oneof(fc.constant(wide), fc.integer({ min: -2, max: 2 })));
    const op: fc.Arbitrary<Op> = fc.oneof(
      { weight: 5, arbitrary: priority.map((p) => ({ kind: 'push' as const, priority: p })) },
      { weight: 1, arbitrary: fc.nat().map((pick) => ({ kind: 'remove' as const, pick })) },
      { weight: 2, arbitrary: fc.tuple(fc.nat(), priority).map(([pick, p]) => ({ kind: 'reprioritise' as const, pick, priority: p })) },
      { weight: 1, arbitrary: fc.constant({ kind: 'pop' as const }) },
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const queue = new PriorityQueue();
        const live = new Map<string, QueueEntry>();
        ops.forEach((step, seq) => {
          const ids = [...live.keys()];
          if (step.kind === 'push') {
            queue.push({ id: `j${seq}`, priority: step.priority, seq });
            live.set(`j${seq}`, { id: `j${seq}`, priority: step.priority, seq });
          } else if (step.kind === 'pop') {
            const top = queue.pop();
            if (top) live.delete(top.id);
          } else if (ids.length > 0) {
            const id = ids[step.pick % ids.length]!;
            if (step.kind === 'remove') {
              queue.remove(id);
              live.delete(id);
            } else {
              queue.reprioritise(id, step.priority);
              live.get(id)!.priority = step.priority;
            }
          }
        });
        const expected = sortedIds([...live.values()]);
        expected.forEach((id, index) => expect(queue.positionOf(id)).toBe(index + 1));
        expect(queue.positionOf('never-queued')).toBeUndefined();
      }),
      { seed: 20261201, numRuns: 300 },
    );
  });
});
