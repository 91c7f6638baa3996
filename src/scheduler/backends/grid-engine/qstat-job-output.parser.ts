/**
 * Parses `qstat -j id,id,…` (one block per job, each starting with a `====` rule and `job_number:`) into the first
 * `error reason` of each job in error state, e.g. for an Eqw job whose working directory does not exist:
 *   error reason          1:      12/01/2026 17:11:44 [0:21895]: error: can't chdir to /nonexistent/dir: No such file or directory
 * gives `can't chdir to /nonexistent/dir: No such file or directory`. Jobs without one are absent.
 */
export function parseQstatJobErrorReasons(stdout: string): Map<string, string> {
  const reasons = new Map<string, string>();
  let id: string | undefined;
  for (const line of stdout.split('\n')) {
    const number = /^job_number:\s+(\d+)\s*$/.exec(line);
    if (number) {
      id = number[1];
      continue;
    }
    const error = /^error reason\s+\d+:\s+(.*)$/.exec(line);
    if (id && error && !reasons.has(id)) {
      reasons.set(
        id,
        error[1]
          .replace(/^\d\d\/\d\d\/\d{4} \d\d:\d\d:\d\d \[[^\]]*\]:\s*/, '')
          .replace(/^error:\s*/, '')
          .trim(),
      );
    }
  }
  return reasons;
}
