/**
 * bkill answers `Job <11> is being terminated` (rc 0) for a pending or running job. For a job there is nothing
 * left to kill it prints, on stderr with rc 255, `Job <11>: Job has already finished`, or, once mbatchd has
 * cleaned the finished job out of memory (CLEAN_PERIOD), `Job <11>: No matching job found`. Both make a cancel
 * idempotent; anything else (LSF down, permission denied) is a failure.
 */
export function bkillFoundNothingToKill(output: string, nativeId: string): boolean {
  const lines = output
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const nothing = new RegExp(`^Job <${nativeId}>: (?:Job has already finished|No matching job found)\\.?$`);
  return lines.length > 0 && lines.every((line) => nothing.test(line));
}
