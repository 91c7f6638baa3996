import { waitFor } from './http';

/**
 * The next `count` status calls a scheduler receives, and how long they took to come. Counting calls inside a fixed
 * window fails on a slow machine (each fake or real client command can take most of a poll interval to start); waiting
 * for a number of calls does not, and the elapsed time still shows that polls come no more often than the interval.
 */
export async function nextPolls(calls: () => string[][], count: number, timeoutMs = 30_000): Promise<{ polls: string[][]; elapsedMs: number }> {
  const before = calls().length;
  const started = Date.now();
  await waitFor(() => calls().length - before >= count || undefined, timeoutMs, `${count} status polls`);
  return { polls: calls().slice(before, before + count), elapsedMs: Date.now() - started };
}
