/**
 * The second, auxiliary bjobs query of a poll, for jobs that have not started (PEND, PSUSP):
 * `bjobs -noheader -o "jobid pend_reason delimiter='|'" id …`. `pend_reason` is the bjobs -o field of the pending
 * reason (bjobs(1) "-o", output fields; what `bjobs -p` shows, at the level LSB_BJOBS_PENDREASON_LEVEL sets), e.g.
 *   `1480|New job is waiting for scheduling`   `2015|The job has a specified start time`
 *   `3864|The job was suspended by the user while pending`   `861487|-`
 * (messages as LSF prints them, from IBM's "Example messages" and bjobs -p pages).
 */
export const BJOBS_PENDING_REASON_FORMAT = "jobid pend_reason delimiter='|'";

/**
 * Pending reasons by job id; `-` (no reason) is absent. A reason that runs onto further lines (several reasons at a
 * higher LSB_BJOBS_PENDREASON_LEVEL) is joined with `; `.
 */
export function parseBjobsPendingReasons(stdout: string): Map<string, string> {
  const reasons = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const raw of stdout.split('\n')) {
    const line = raw.trim();
    const record = /^(\d+(?:\[\d+\])?)\|(.*)$/.exec(line);
    if (record) {
      current = [];
      reasons.set(record[1], current);
      addReason(current, record[2]);
    } else if (current && line) {
      addReason(current, line);
    }
  }
  return new Map([...reasons].filter(([, parts]) => parts.length > 0).map(([id, parts]) => [id, parts.join('; ')]));
}

function addReason(parts: string[], text: string): void {
  const reason = text.trim().replace(/;$/, '').trim();
  if (reason && reason !== '-') parts.push(reason);
}
