import { hasControlCharacters } from '../../../common/validation/safe-text';

/** A value that would break out of its line or quoting in a batch script. */
export class UnsafeScriptValueError extends Error {}

/** POSIX single-quoting: the result is one word whose value is exactly `value`, whatever it contains. */
export function quoteShellArgument(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** An argv as a shell command line in which every element is one literal word. */
export function renderShellCommand(argv: readonly string[]): string {
  return argv.map(quoteShellArgument).join(' ');
}

/** Directive values are read by the scheduler line by line: no control characters, nothing that could end the line. */
export function assertDirectiveSafe(value: string, field: string): string {
  if (hasControlCharacters(value)) {
    throw new UnsafeScriptValueError(`${field} contains control characters and cannot go into a batch script`);
  }
  return value;
}

/** What a scheduler's directive parser cannot take inside one word, and how to say so. */
export interface WordRule {
  directive: string;
  /** Must match whitespace at least. */
  forbidden: RegExp;
  /** For the error message, e.g. "spaces or quotes". */
  description: string;
}

/**
 * Directive lines that the scheduler splits into words (`#$`, `#PBS`, `#BSUB`): the value must be one non-empty word
 * without control characters and without anything `rule.forbidden` matches, so it can neither end its line nor add
 * an option.
 */
export function assertSingleWord(value: string | number, field: string, rule: WordRule): string {
  const text = assertDirectiveSafe(String(value), field);
  if (text === '' || rule.forbidden.test(text)) {
    throw new UnsafeScriptValueError(
      `${field} must be a single word without ${rule.description} to go into a ${rule.directive} directive (got ${JSON.stringify(text)})`,
    );
  }
  return text;
}

/** Name of the file in the job's work dir where the batch script records the solver's exit status. */
export const EXIT_CODE_FILE = 'exit_code';

/** Name of the file where the batch script records the scheduler's id for itself as soon as it starts. */
export const NATIVE_ID_FILE = 'native_id';

/** Where the script appends `<run> <epoch seconds>` as each run starts (read by run-records.ts). */
export const RUNS_FILE = 'runs';

/**
 * The portable body every POSIX batch script ends with: record the scheduler's job id (so a submission whose
 * answer was lost can be found even after the scheduler purged the job) and the run's number and start time (a
 * requeue starts the script again: run N+1 keeps run N's log as `solver.run-N.log` and starts `solver.log` afresh,
 * and a stale exit status is removed), run the solver, record its exit status atomically, exit with it.
 * `jobIdVariable` is the scheduler's environment variable, e.g. SLURM_JOB_ID; `alsoRecord`, lines run right after
 * the id is recorded (in the work dir), for what else a backend needs of its own.
 */
export function renderScriptBody(workDir: string, argv: readonly string[], jobIdVariable: string, alsoRecord: readonly string[] = []): string[] {
  const dir = quoteShellArgument(assertDirectiveSafe(workDir, 'work directory'));
  return [
    `cd ${dir} || exit 111`,
    `printf '%s\\n' "$${jobIdVariable}" > ${NATIVE_ID_FILE}`,
    ...alsoRecord,
    `run=$(( $(cat ${RUNS_FILE} 2>/dev/null | wc -l) + 1 ))`,
    `if [ "$run" -gt 1 ] && [ -f solver.log ]; then mv -f solver.log "solver.run-$((run - 1)).log"; fi`,
    `rm -f ${EXIT_CODE_FILE}`,
    `printf '%s %s\\n' "$run" "$(date +%s)" >> ${RUNS_FILE}`,
    `${renderShellCommand(argv.map((arg) => assertDirectiveSafe(arg, 'solver argument')))} >> solver.log 2>&1`,
    'rc=$?',
    `printf '%s\\n' "$rc" > ${EXIT_CODE_FILE}.tmp && mv -f ${EXIT_CODE_FILE}.tmp ${EXIT_CODE_FILE}`,
    'exit "$rc"',
  ];
}

/** The exit status the batch script recorded, or null when it wrote none (still running, or killed). */
export function parseExitCodeFile(text: string): number | null {
  const match = /^\s*(\d{1,3})\s*$/.exec(text);
  return match ? Number(match[1]) : null;
}

/** `HH:MM:SS` with hours beyond 24 (Grid Engine `h_rt`, PBS `walltime`). */
export function hoursMinutesSeconds(time: string): string {
  const total = wallTimeSeconds(time);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${pad(Math.floor(total / 3600))}:${pad(Math.floor((total % 3600) / 60))}:${pad(total % 60)}`;
}

const BYTES_PER_UNIT: Record<string, number> = { K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 };

/**
 * A validated memory request per node in bytes. Units are binary whatever their spelling (`64GB` = `64G` =
 * `64GiB` = 64 × 2³⁰ bytes), as every scheduler reads them; a bare number is megabytes (MiB), as SLURM, PBS and
 * HPC Pack read it (Grid Engine would read bytes, LSF its LSF_UNIT_FOR_LIMITS: they never get a bare number).
 */
export function memoryBytes(memory: string): number {
  const [, amount, unit] = /^(\d+(?:\.\d+)?)\s?([KMGT]?)/i.exec(memory.trim()) ?? [];
  if (amount === undefined) {
    throw new UnsafeScriptValueError(`memory must look like 4GB, 512M or 2T (got ${JSON.stringify(memory)})`);
  }
  return Math.round(Number(amount) * BYTES_PER_UNIT[(unit || 'M').toUpperCase()]);
}

/**
 * The memory request in whole MiB, rounded up: the one unit every backend renders with an explicit suffix or in
 * a documented unit. Less than 1 MiB (`0`, which SLURM would read as "all the node's memory") is refused.
 */
export function memoryMebibytes(memory: string): number {
  const bytes = memoryBytes(memory);
  if (bytes < 1024 ** 2) {
    throw new UnsafeScriptValueError(`memory must be at least 1 MiB (got ${JSON.stringify(memory)}); omit it for the scheduler's default`);
  }
  return Math.ceil(bytes / 1024 ** 2);
}

/** Converts the accepted wall-time forms (`HH:MM:SS`, `D-HH:MM:SS`, `D.HH:MM:SS`, minutes) to seconds. */
export function wallTimeSeconds(time: string): number {
  if (/^\d+$/.test(time)) {
    return Number(time) * 60;
  }
  const [, days, hours, minutes, seconds] = /^(?:(\d+)[-.])?(\d+):(\d+):(\d+)$/.exec(time) ?? [];
  return Number(days ?? 0) * 86_400 + Number(hours) * 3_600 + Number(minutes) * 60 + Number(seconds);
}
