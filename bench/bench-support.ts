import { Agent, request as httpRequest } from 'node:http';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export function summary(samples: number[]): { n: number; p50: number; p99: number; max: number; mean: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const round = (value: number): number => Math.round(value * 100) / 100;
  return {
    n: sorted.length,
    p50: round(percentile(sorted, 50)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted.at(-1) ?? NaN),
    mean: round(sorted.reduce((sum, value) => sum + value, 0) / Math.max(1, sorted.length)),
  };
}

/** Prints one result line the docs quote: `BENCH <name> <json>`. */
export function report(name: string, figures: Record<string, unknown>): void {
  process.stdout.write(`BENCH ${name} ${JSON.stringify(figures)}\n`);
}

/** Sends `total` requests with `concurrency` in flight, returns per-request latencies (ms) and the wall time. */
export async function load(total: number, concurrency: number, request: (index: number) => Promise<void>): Promise<{ latencies: number[]; seconds: number }> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const index = next++;
        const t0 = performance.now();
        await request(index);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  return { latencies, seconds: (performance.now() - started) / 1000 };
}

/** Event-loop delay (ms) of this process while `work` runs. */
export async function eventLoopDelayDuring(work: () => Promise<void>): Promise<{ p99: number; max: number }> {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  await work();
  histogram.disable();
  return { p99: histogram.percentile(99) / 1e6, max: histogram.max / 1e6 };
}

const agent = new Agent({ keepAlive: true, maxSockets: 256 });

/** A lean keep-alive HTTP client (node:http), so the load generator costs less CPU than fetch on this 2-core box. */
export function http(url: string, method = 'GET', body?: unknown): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = httpRequest(url, { method, agent, headers: payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/**
 * The garbage collections of this process (start and duration, ms on the performance clock) as V8 reports them, once
 * `start()` is called: `within(from, to)` is the GC time inside that span, a pause of the whole process that counts in
 * whatever callback ran then. Entries are delivered after the fact: give the observer a turn before reading them.
 */
export function gcPauses(): { start: () => void; stop: () => void; within: (from: number, to: number) => number } {
  const collections: Array<{ start: number; duration: number }> = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) collections.push({ start: entry.startTime, duration: entry.duration });
  });
  return {
    start: () => observer.observe({ entryTypes: ['gc'] }),
    stop: () => observer.disconnect(),
    within: (from, to) => {
      let total = 0;
      for (const { start, duration } of collections) total += Math.max(0, Math.min(to, start + duration) - Math.max(from, start));
      return total;
    },
  };
}
