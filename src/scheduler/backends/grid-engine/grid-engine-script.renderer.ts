import { GridEngineSettings } from '../../../config/app-config';
import { clusterCoresPerNode } from '../../../simulation/ansysedt-command.builder';
import { JobSpec } from '../../scheduler-backend';
import {
  assertDirectiveSafe,
  assertSingleWord,
  hoursMinutesSeconds,
  memoryMebibytes,
  quoteShellArgument,
  renderScriptBody,
  UnsafeScriptValueError,
  WordRule,
} from '../shared/batch-script';
import { EMPTY_SUBMISSION_CONTEXT, environmentNameList, SubmissionContext } from '../shared/submission-context';

/** The site's names for parallel environments and complexes (HFSS_JM_SGE_*), with their documented defaults. */
export type GridEngineNames = Pick<GridEngineSettings, 'parallelEnvironments' | 'complexes'>;

export const DEFAULT_GRID_ENGINE_NAMES: GridEngineNames = {
  parallelEnvironments: { smp: 'smp', mpi: 'mpi' },
  complexes: { exclusive: 'exclusive', gpu: 'gpu' },
};

/** Users may only lower their priority (`-p` -1023..0); operators raise it. */
const PRIORITY_BY_LEVEL = { Low: -500, BelowNormal: -250, Normal: 0, AboveNormal: 0, High: 0 } as const;

/**
 * Grid Engine job names may not start with a digit and may not contain `/ : @ \ * ?` or whitespace
 * (qsub: `"1abc" is not a valid object name (cannot start with a digit)`). Our job ids are letters, digits, `_`
 * and `-`, so a leading digit is the only case: it gets a `j` prefix. Lookups by name use the same function.
 */
export function gridEngineJobName(jobId: string): string {
  return /^[0-9]/.test(jobId) ? `j${jobId}` : jobId;
}

/** `#$` lines are split into words like a command line. */
const GRID_ENGINE_WORD: WordRule = { directive: 'Grid Engine', forbidden: /\s/, description: 'spaces' };
const word = (value: string | number, field: string): string => assertSingleWord(value, field, GRID_ENGINE_WORD);

/** Grid Engine's `h_rt`: hours may exceed 24. */
export const gridEngineTime = hoursMinutesSeconds;

/** `h_vmem` is per slot: the memory request per node divided by the slots on each node, in MiB with its unit. */
export function memoryPerSlot(memory: string, slotsPerNode: number): string {
  return `${Math.max(1, Math.ceil(memoryMebibytes(memory) / slotsPerNode))}M`;
}

/** qsub -ar takes the numeric id of an advance reservation (qrstat lists them), never its name. */
function reservationId(reservation: string): string {
  if (!/^\d{1,10}$/.test(reservation)) {
    throw new UnsafeScriptValueError(
      `reservation must be the numeric id of a Grid Engine advance reservation for qsub -ar (see qrstat), not a name (got ${JSON.stringify(reservation)})`,
    );
  }
  return reservation;
}

/** qsub reads -o as `[[host]:]path[,…]`: a colon or a comma in the work directory would change its meaning. */
function outputPath(workDir: string): string {
  const text = assertDirectiveSafe(workDir, 'work directory');
  if (/[:,]/.test(text)) {
    throw new UnsafeScriptValueError(
      `the work directory ${JSON.stringify(text)} contains ":" or ",", which qsub -o reads as a host or a list; use a data dir without them`,
    );
  }
  return text;
}

export interface GridEngineSubmission {
  /** The batch script: `#$` directives for everything that is one word, then the quoted solver command. */
  script: string;
  /** qsub arguments before the script path: name and paths, which may contain spaces, travel as argv elements. */
  qsubArgs: string[];
}

/** `#$ word word…`, each word checked as one Grid Engine word. */
const directive = (...words: Array<[string | number, string]>): string => `#$ ${words.map(([value, field]) => word(value, field)).join(' ')}`;

/**
 * The job's directives that say what it needs (shell, rerun, time, slots, queue, memory, account, …, extra
 * directives): the same lines for jobs that may share one array job. Slots are cores: one node uses the single-host
 * PE (`$pe_slots`), several nodes the multi-host one, so the slots Grid Engine grants are exactly ansysedt's numcores.
 */
function resourceDirectives(spec: JobSpec, names: GridEngineNames): string[] {
  const options = spec.config.scheduler_options;
  const slotsPerNode = clusterCoresPerNode(options);
  const slots = options.nodes * slotsPerNode;
  const parallelEnvironment = options.nodes > 1 ? names.parallelEnvironments.mpi : names.parallelEnvironments.smp;
  const lines = [
    directive(['-S', 'shell'], ['/bin/bash', 'shell']),
    directive(['-r', 'rerun'], ['n', 'rerun']),
    directive(['-l', 'resource'], [`h_rt=${gridEngineTime(options.time)}`, 'time']),
  ];
  if (slots > 1) lines.push(directive(['-pe', 'pe'], [parallelEnvironment, 'parallel environment'], [slots, 'slots']));
  if (options.queue) lines.push(directive(['-q', 'q'], [options.queue, 'queue']));
  if (options.memory) lines.push(directive(['-l', 'l'], [`h_vmem=${memoryPerSlot(options.memory, slotsPerNode)}`, 'memory']));
  if (options.account) lines.push(directive(['-A', 'A'], [options.account, 'account']));
  if (options.reservation) lines.push(directive(['-ar', 'ar'], [reservationId(options.reservation), 'reservation']));
  // Grid Engine has no QoS; its projects (-P) are what sites use for share-tree/priority classes.
  if (options.qos) lines.push(directive(['-P', 'P'], [options.qos, 'qos']));
  if (options.constraints) lines.push(directive(['-l', 'l'], [options.constraints, 'constraints']));
  if (options.exclusive) lines.push(directive(['-l', 'l'], [`${names.complexes.exclusive}=true`, 'exclusive']));
  if (options.gpus > 0) lines.push(directive(['-l', 'l'], [`${names.complexes.gpu}=${options.gpus}`, 'gpus']));
  if (options.email_notification) lines.push(directive(['-M', 'M'], [options.email_notification, 'email_notification'], ['-m', 'm'], ['ea', 'm']));
  if (PRIORITY_BY_LEVEL[options.priority] < 0) lines.push(directive(['-p', 'p'], [PRIORITY_BY_LEVEL[options.priority], 'priority']));
  for (const extra of options.extra_directives ?? []) {
    lines.push(`#$ ${assertDirectiveSafe(extra, 'extra_directives')}`);
  }
  return lines;
}

/**
 * The id the script records for itself: `$JOB_ID`, or `<job number>.<task number>` for a task of an array job, the
 * form qstat, qdel and the accounting file name tasks by (Grid Engine sets SGE_TASK_ID to `undefined` for a job that
 * is not an array).
 */
const RECORD_OWN_ID =
  'HFSS_JM_NATIVE_ID=$JOB_ID; if [ -n "${SGE_TASK_ID:-}" ] && [ "$SGE_TASK_ID" != undefined ]; then HFSS_JM_NATIVE_ID=$JOB_ID.$SGE_TASK_ID; fi';

/** qsub's `-v` list: the job environment's names, whose values qsub takes from its own (already clean) environment. */
function environmentArgs(context: SubmissionContext): string[] {
  const environment = environmentNameList(context);
  return environment ? ['-v', environment] : [];
}

/** The qsub argv and `#$` script for a job, from SchedulerOptions and the ansysedt argv. */
export function renderGridEngineSubmission(
  spec: JobSpec,
  names: GridEngineNames = DEFAULT_GRID_ENGINE_NAMES,
  context: SubmissionContext = EMPTY_SUBMISSION_CONTEXT,
): GridEngineSubmission {
  const lines = ['#!/bin/bash', ...resourceDirectives(spec, names)];
  const workDir = outputPath(spec.workDir);
  return {
    script: [...lines, '', RECORD_OWN_ID, ...renderScriptBody(spec.workDir, spec.argv, 'HFSS_JM_NATIVE_ID'), ''].join('\n'),
    // No -V: only the job environment's names (environmentArgs). $JOB_ID in -o is expanded by Grid Engine itself
    // (a pseudo variable), not by a shell.
    qsubArgs: ['-terse', '-N', gridEngineJobName(spec.jobId), '-wd', workDir, '-j', 'y', '-o', `${workDir}/sge.$JOB_ID.out`, ...environmentArgs(context)],
  };
}

/** Directives that make a job an array job of its own (`-t`), which an array's tasks could not share. */
const OWN_ARRAY_DIRECTIVE = /^#\$\s+-t\b/;

/**
 * The key under which jobs may share one array job: their resource directives and environment list, all equal.
 * Undefined for a job whose extra directives ask for an array of their own. Throws UnsafeScriptValueError as
 * renderGridEngineSubmission would.
 */
export function gridEngineArrayKey(
  spec: JobSpec,
  names: GridEngineNames = DEFAULT_GRID_ENGINE_NAMES,
  context: SubmissionContext = EMPTY_SUBMISSION_CONTEXT,
): string | undefined {
  const lines = resourceDirectives(spec, names);
  outputPath(spec.workDir);
  return lines.some((line) => OWN_ARRAY_DIRECTIVE.test(line)) ? undefined : [...lines, ...environmentArgs(context)].join('\n');
}

/** At most this many tasks in an array job of ours, whatever max_aj_tasks allows (its default is 75000). */
export const GRID_ENGINE_MAX_ARRAY_TASKS = 1000;

/** `<arrayDir>/task-<n>`: the link to the work dir of the job that task n (1-based, Grid Engine's $TASK_ID) runs. */
export const GRID_ENGINE_TASK_LINK = 'task-';

/**
 * The qsub argv and script of an array job whose task i+1 runs the batch script `scripts[i]` of job `specs[i]` (each
 * written by renderGridEngineSubmission into its own work dir): the shared resource directives of the first job
 * (gridEngineArrayKey says they are all the same), `-t 1-n`, and a dispatch on SGE_TASK_ID. The output goes through
 * `<arrayDir>/task-<n>`, a link to the job's work dir that the caller makes, so each task's output is
 * `sge.<job>.<task>.out` in its own job's work dir. Paths go into the dispatch single-quoted; no job's path reaches
 * a directive.
 */
export function renderGridEngineArraySubmission(
  arrayName: string,
  arrayDir: string,
  specs: readonly JobSpec[],
  scripts: readonly string[],
  names: GridEngineNames = DEFAULT_GRID_ENGINE_NAMES,
  context: SubmissionContext = EMPTY_SUBMISSION_CONTEXT,
): GridEngineSubmission {
  if (specs.length === 0 || specs.length !== scripts.length) throw new Error('an array job needs one script per job, and at least one job');
  const dir = outputPath(arrayDir);
  const cases = specs.map((_, index) => `  ${index + 1}) exec /bin/bash ${quoteShellArgument(assertDirectiveSafe(scripts[index], 'batch script path'))} ;;`);
  return {
    script: [
      '#!/bin/bash',
      ...resourceDirectives(specs[0], names),
      '',
      'case "$SGE_TASK_ID" in',
      ...cases,
      '  *) echo "hfss-job-manager: array task $SGE_TASK_ID has no job" >&2; exit 112 ;;',
      'esac',
      '',
    ].join('\n'),
    qsubArgs: [
      '-terse',
      '-N',
      gridEngineJobName(arrayName),
      '-t',
      `1-${specs.length}`,
      '-wd',
      dir,
      '-j',
      'y',
      '-o',
      `${dir}/${GRID_ENGINE_TASK_LINK}$TASK_ID/sge.$JOB_ID.$TASK_ID.out`,
      ...environmentArgs(context),
    ],
  };
}
