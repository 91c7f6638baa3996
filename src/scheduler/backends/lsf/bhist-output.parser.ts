import { NativeJobState, NativeJobStatus } from '../../scheduler-backend';
import { statusForTermination } from './lsf-state';

/**
 * Parses `bhist -l id …`: LSF's event-log history, which still knows a job after mbatchd has cleaned it out of
 * memory (CLEAN_PERIOD) and bjobs answers `Job <N> is not found`. Documented at
 * https://www.ibm.com/docs/en/spectrum-lsf/10.1.0?topic=reference-bhist; the shape below is a real capture
 * (pipelite's LSF test suite) with the termination lines from the Platform LSF 7.3 configuration reference
 * ("Example output of bacct and bhist": `Signal <KILL> requested by user or administrator <user2>;`,
 * `Completed <exit>; TERM_OWNER …`):
 *
 *   Job <873209>, User <rasko>, Project <default>, Command <fdfs>, Esub <esub>
 *   Sun Jan 10 17:50:11: Submitted from host <noah-login-01>, to Queue <research-rh
 *                        74>, CWD <$HOME>, Requested Resources <rusage[numcpus=1:du
 *                        ration=480]>;
 *   Sun Jan 10 17:50:12: Dispatched to <hx-noah-10-04>, Effective RES_REQ <select[t …
 *   Sun Jan 10 17:50:12: Starting (Pid 87178);
 *   Sun Jan 10 17:50:12: Exited with exit code 127. The CPU time used is 0.0 second
 *                        s;
 *   Sun Jan 10 17:50:12: Completed <exit>;
 *
 *   Summary of time in seconds spent in various states by  Sun Jan 10 17:50:12
 *     PEND     PSUSP    RUN      USUSP    SSUSP    UNKWN    TOTAL
 *     1        0        0        0        0        0        1
 *
 * Lines are wrapped at 80 columns, continuations indented by 21 spaces and cut mid-word, so they are joined back
 * without a separator. Several jobs are separated by a line of dashes.
 */
const CONTINUATION = /^ {21}/;
const EVENT = /^[A-Z][a-z]{2} [A-Z][a-z]{2} +\d{1,2} \d{2}:\d{2}:\d{2}(?: \d{4})?: (.*)$/;
const JOB_HEADER = /^Job <(\d+(?:\[\d+\])?)>/;

interface Ending {
  exitCode: number | null;
  done: boolean;
  term?: string;
  killRequested: boolean;
}

function unwrap(block: string): string[] {
  const lines: string[] = [];
  for (const line of block.split('\n')) {
    if (CONTINUATION.test(line) && lines.length > 0) {
      lines[lines.length - 1] += line.replace(CONTINUATION, '');
    } else {
      lines.push(line);
    }
  }
  return lines;
}

function stateOf(ending: Ending | undefined, started: boolean): NativeJobState {
  if (!ending) {
    return { status: started ? 'running' : 'pending' };
  }
  if (ending.done) {
    return { status: 'completed', exitCode: 0 };
  }
  const status: NativeJobStatus = statusForTermination(ending.term) ?? (ending.killRequested ? 'cancelled' : 'failed');
  const reason = ending.term ?? (ending.killRequested ? 'killed on request (bkill)' : ending.exitCode === null ? undefined : `exit code ${ending.exitCode}`);
  return { status, exitCode: ending.exitCode, reason };
}

export function parseBhistLongOutput(stdout: string): Map<string, NativeJobState> {
  const states = new Map<string, NativeJobState>();
  for (const block of stdout.split(/^-{20,}\s*$/m)) {
    const lines = unwrap(block);
    const id = lines.map((line) => JOB_HEADER.exec(line)?.[1]).find(Boolean);
    if (!id) {
      continue;
    }
    let ending: Ending | undefined;
    let started = false;
    let killRequested = false;
    for (const line of lines) {
      const text = EVENT.exec(line)?.[1];
      if (text === undefined) {
        continue;
      }
      if (/^(?:Dispatched|Starting|Running with)\b/.test(text)) {
        if (ending && /^Dispatched\b/.test(text)) {
          ending = undefined; // requeued and dispatched again: only the last run counts
        }
        started = true;
      } else if (/^Pending: Requeued\b/.test(text)) {
        ending = undefined;
        started = false;
      } else if (/^Signal <\w+> requested by user or administrator\b/.test(text)) {
        killRequested = true;
      } else if (/^Done successfully\b/.test(text)) {
        ending = { done: true, exitCode: 0, killRequested };
      } else if (/^Exited\b/.test(text)) {
        const code = /exit code (\d+)/.exec(text)?.[1];
        const signal = /^Exited by signal (\d+)/.exec(text)?.[1];
        ending = { done: false, exitCode: code !== undefined ? Number(code) : signal !== undefined ? 128 + Number(signal) : null, killRequested };
      } else if (/^Completed <exit>/.test(text)) {
        const term = /\b(TERM_[A-Z_]+\b[^;]*)/.exec(text)?.[1]?.replace(/\.$/, '').trim();
        ending = { ...(ending ?? { done: false, exitCode: null }), term, killRequested };
      }
    }
    states.set(id, stateOf(ending, started));
  }
  return states;
}
