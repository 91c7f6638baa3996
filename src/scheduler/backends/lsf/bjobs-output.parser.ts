import { NativeJobState } from '../../scheduler-backend';
import { describeLsfState, lsfStatus, parseLsfExitCode, statusForTermination } from './lsf-state';

/**
 * The bjobs output format the backend asks for (`bjobs -a -noheader -o "<this>" id …`): job id, state, exit code
 * and exit reason, `|`-separated. Customized output is documented at
 * https://www.ibm.com/docs/en/SSWRJV_10.1.0/lsf_command_ref/bjobs.o.1.html
 * (`bjobs -o "[field_name | all][:[-] [output_width]]...[delimiter='character']"`, a field named without a width
 * is printed at unlimited width) and -noheader at .../bjobs.noheader.1.html. Empty values print as `-`.
 * Values as real LSF prints them (pipelite's captures from EBI's cluster put exit_code third: `861487|PEND|-|…`,
 * `872793|DONE|-|…`, `873206|EXIT|127|…`; AiiDA's CERN capture of LSF 9.1.3 shows the exit_reason text
 * `TERM_RUNLIMIT: job killed after reaching LSF run time limit` and `-` when there is none), so our lines read
 *   `861487|PEND|-|-`   `872793|DONE|-|-`   `873206|EXIT|127|-`   `764213236|EXIT|140|TERM_RUNLIMIT: job killed after …`
 * exit_reason comes last because it is free text.
 */
export const BJOBS_FORMAT = "jobid stat exit_code exit_reason delimiter='|'";

/** Lines bjobs prints on stderr for ids it does not know: an answer about those jobs, not a failure. */
const UNKNOWN_JOB_LINE = /^(?:Job <[^>]*> is not found|No (?:unfinished |matching )?job found)\.?$/;

/** Parses the `BJOBS_FORMAT` lines (a header line, if -noheader was not honoured, is skipped). */
export function parseBjobsOutput(stdout: string): Map<string, NativeJobState> {
  const states = new Map<string, NativeJobState>();
  for (const line of stdout.split('\n')) {
    const [id, stat, exit, ...reasonParts] = line.trim().split('|');
    if (!id || !stat || !/^\d+(?:\[\d+\])?$/.test(id)) {
      continue;
    }
    const exitReason = reasonParts.join('|').trim();
    const reason = exitReason && exitReason !== '-' ? exitReason : undefined;
    const status = lsfStatus(stat);
    const native = {
      nativeState: stat.trim(),
      ...(reason ? { nativeReason: reason } : {}),
    };
    if (status === 'completed') {
      states.set(id, {
        status,
        exitCode: parseLsfExitCode(exit) ?? 0,
        ...native,
      });
    } else if (status === 'failed') {
      const exitCode = parseLsfExitCode(exit);
      states.set(id, {
        status: statusForTermination(reason) ?? 'failed',
        exitCode,
        reason: reason ?? (exitCode === null ? undefined : `exit code ${exitCode}`),
        ...native,
      });
    } else {
      states.set(id, {
        status,
        reason: status === 'unknown' ? `LSF reports ${stat.trim()}${reason ? ` (${reason})` : ''}` : (reason ?? describeLsfState(stat)),
        ...native,
        ...(describeLsfState(stat) && !reason ? { nativeReason: describeLsfState(stat) } : {}),
      });
    }
  }
  return states;
}

/**
 * True when everything bjobs wrote on stderr is `Job <N> is not found` (or `No unfinished job found`): with
 * LSB_BJOBS_CONSISTENT_EXIT_CODE=Y, and with the default N when a batch mixes known and unknown ids, bjobs then
 * exits 255 while still listing the jobs it knows
 * (https://www.ibm.com/docs/en/spectrum-lsf/10.1.0?topic=lsfconf-lsb-bjobs-consistent-exit-code).
 * Anything else (`LSF is down. Please wait ...`) means the answer cannot be trusted.
 */
export function bjobsErrorsAreOnlyUnknownJobs(stderr: string): boolean {
  return stderr
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .every((line) => UNKNOWN_JOB_LINE.test(line));
}
