/** Poll delay: the interval while healthy, doubling per consecutive failure up to `maxMs`. */
export function pollDelay(intervalMs: number, maxMs: number, consecutiveFailures: number): number {
  return Math.min(maxMs, intervalMs * 2 ** Math.min(consecutiveFailures, 20));
}
