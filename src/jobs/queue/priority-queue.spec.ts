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
});
