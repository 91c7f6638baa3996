/** What `qstat -j` says about one job that has not started: why it is in error state, and why it waits. */
export interface QstatJobDetail {
  /** The first `error reason` of a job in error state (Eqw), without its timestamp. */
  errorReason?: string;
  /** The scheduler's `scheduling info` lines (needs `schedd_job_info true` in sched_conf(5)), in order. */
  schedulingInfo: string[];
}

/** What qstat prints in `scheduling info` when the scheduler keeps no per-job information (schedd_job_info false). */
const COLLECTING_TURNED_OFF = /^\(Collecting of scheduler job information is turned off\)$/;

/**
 * Parses `qstat -j id,id,…` (one block per job, each starting with a `====` rule and `job_number:`). Captured from
 * Son of Grid Engine 8.1.9, for an Eqw job whose working directory does not exist:
 *   error reason          1:      12/01/2026 17:11:44 [0:21895]: error: can't chdir to /nonexistent/dir: No such file or directory
 *   scheduling info:            Job is in error state
 * and for a job waiting on a disabled queue (`qmod -d`), one line per reason, the next ones indented:
 *   scheduling info:            queue instance "all.q@vm" dropped because it is disabled
 *                               All queues dropped because of overload or full
 * Jobs absent from the output (finished meanwhile) are absent from the map.
 */
export function parseQstatJobDetails(stdout: string): Map<string, QstatJobDetail> {
  const details = new Map<string, QstatJobDetail>();
  let current: QstatJobDetail | undefined;
  let inSchedulingInfo = false;
  for (const line of stdout.split('\n')) {
    const number = /^job_number:\s+(\d+)\s*$/.exec(line);
    if (number) {
      current = { schedulingInfo: [] };
      details.set(number[1], current);
      inSchedulingInfo = false;
      continue;
    }
    if (!current) continue;
    const scheduling = /^scheduling info:\s*(.*)$/.exec(line);
    if (scheduling) {
      inSchedulingInfo = true;
      addSchedulingInfo(current, scheduling[1]);
      continue;
    }
    if (inSchedulingInfo && /^\s+\S/.test(line)) {
      addSchedulingInfo(current, line);
      continue;
    }
    inSchedulingInfo = false;
    const error = /^error reason\s+\d+:\s+(.*)$/.exec(line);
    if (error && current.errorReason === undefined) {
      current.errorReason = error[1]
        .replace(/^\d\d\/\d\d\/\d{4} \d\d:\d\d:\d\d \[[^\]]*\]:\s*/, '')
        .replace(/^error:\s*/, '')
        .trim();
    }
  }
  return details;
}

function addSchedulingInfo(detail: QstatJobDetail, text: string): void {
  const line = text.trim();
  if (line && !COLLECTING_TURNED_OFF.test(line)) detail.schedulingInfo.push(line);
}

/**
 * Why a waiting job does not start, in one line, from its scheduling info: the specific reasons first, the generic
 * summary (`All queues dropped because of overload or full`) only when it is all there is. Undefined when the
 * scheduler said nothing (not yet considered, or schedd_job_info false).
 */
export function waitingReasonFromSchedulingInfo(lines: readonly string[]): string | undefined {
  const specific = lines.filter((line) => !/^All queues dropped because of overload or full$/.test(line));
  const chosen = specific.length > 0 ? specific : lines;
  return chosen.length > 0 ? chosen.join('; ') : undefined;
}
