import { JobSpec } from '../../scheduler-backend';
import { assertDirectiveSafe, memoryMebibytes, quoteShellArgument, renderScriptBody, UnsafeScriptValueError, wallTimeSeconds } from '../shared/batch-script';
import { EMPTY_SUBMISSION_CONTEXT, environmentNameList, SubmissionContext } from '../shared/submission-context';

const NICE_BY_PRIORITY = { Low: 1000, BelowNormal: 500, Normal: 0, AboveNormal: 0, High: 0 } as const;

/** SLURM's `D-HH:MM:SS`. */
export function slurmTime(time: string): string {
  const total = wallTimeSeconds(time);
  const days = Math.floor(total / 86_400);
  const rest = total % 86_400;
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${days}-${pad(Math.floor(rest / 3600))}:${pad(Math.floor((rest % 3600) / 60))}:${pad(rest % 60)}`;
}

/**
 * sbatch splits `#SBATCH` lines into words itself, honouring double quotes and backslash escapes: a value with
 * anything beyond a plain set (a space in the data dir, `#`, quotes) is double-quoted with `"` and `\\` escaped.
 */
export function slurmWord(value: string | number, field: string): string {
  const text = assertDirectiveSafe(String(value), field);
  return /^[A-Za-z0-9_.,:=@%/+&|!()[\]*-]+$/.test(text) ? text : `"${text.replace(/["\\]/g, '\\$&')}"`;
}

/** sbatch replaces `%j`, `%x`, `%u`… in --output file names (`%%` is a literal `%`); a `\\` there switches that off. */
function slurmFileName(path: string): string {
  if (path.includes('\\')) {
    throw new UnsafeScriptValueError(
      `the work directory ${JSON.stringify(path)} contains a backslash, which slurmd reads as an escape in --output; use a data dir without one`,
    );
  }
  return path.replace(/%/g, '%%');
}

/**
 * CPUs per task such that the allocation is exactly `cores_per_node` per node, the count ansysedt's numcores is
 * built from: SLURM allocates whole CPUs per task, so cores_per_node must be a multiple of tasks_per_node.
 */
export function slurmCpusPerTask(coresPerNode: number, tasksPerNode: number): number {
  if (coresPerNode % tasksPerNode !== 0) {
    throw new UnsafeScriptValueError(
      `cores_per_node (${coresPerNode}) must be a multiple of tasks_per_node (${tasksPerNode}) on SLURM, which allocates whole CPUs per task: ` +
        `ansysedt would be told numcores for ${coresPerNode} cores per node and get ${Math.max(1, Math.floor(coresPerNode / tasksPerNode)) * tasksPerNode}`,
    );
  }
  return coresPerNode / tasksPerNode;
}

/** `#SBATCH flag=value`, the value one sbatch word. */
function directive(flag: string, value?: string | number): string {
  return `#SBATCH ${flag}${value === undefined ? '' : `=${slurmWord(value, flag)}`}`;
}

/**
 * The job's directives that say what it needs (time, nodes, CPUs, memory, partition, account, extra directives…) and
 * how its environment is passed (`--export`): the same lines for jobs that may share one job array.
 */
function resourceDirectives(spec: JobSpec, context: SubmissionContext): string[] {
  const options = spec.config.scheduler_options;
  const lines = [
    directive('--export', environmentNameList(context) || 'NONE'),
    directive('--time', slurmTime(options.time)),
    directive('--nodes', options.nodes),
    directive('--ntasks-per-node', options.tasks_per_node),
  ];
  if (options.queue) lines.push(directive('--partition', options.queue));
  if (options.cores_per_node > 0) lines.push(directive('--cpus-per-task', slurmCpusPerTask(options.cores_per_node, options.tasks_per_node)));
  // Per node, in MiB with an explicit unit: sbatch takes no fractions (1.5G) and reads a bare number as MB.
  if (options.memory) lines.push(directive('--mem', `${memoryMebibytes(options.memory)}M`));
  if (options.account) lines.push(directive('--account', options.account));
  if (options.reservation) lines.push(directive('--reservation', options.reservation));
  if (options.qos) lines.push(directive('--qos', options.qos));
  if (options.constraints) lines.push(directive('--constraint', options.constraints));
  if (options.exclusive) lines.push(directive('--exclusive'));
  if (options.gpus > 0) lines.push(directive('--gpus', options.gpu_type ? `${options.gpu_type}:${options.gpus}` : options.gpus));
  if (options.email_notification) lines.push(directive('--mail-user', options.email_notification), directive('--mail-type', 'END,FAIL'));
  if (NICE_BY_PRIORITY[options.priority] > 0) lines.push(directive('--nice', NICE_BY_PRIORITY[options.priority]));
  for (const extra of options.extra_directives ?? []) {
    lines.push(`#SBATCH ${assertDirectiveSafe(extra, 'extra_directives')}`);
  }
  return lines;
}

/**
 * The id the script records for itself: `$SLURM_JOB_ID`, or `<array job id>_<task>` for a task of a job array, the
 * form squeue, scancel and sacct name array tasks by (a task's own SLURM_JOB_ID is not what squeue -j prints).
 */
const RECORD_OWN_ID =
  'HFSS_JM_NATIVE_ID=$SLURM_JOB_ID; if [ -n "${SLURM_ARRAY_TASK_ID:-}" ]; then HFSS_JM_NATIVE_ID=${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}; fi';

/**
 * Where a task of a job array records its own SLURM_JOB_ID, the id SLURM's jobcomp file knows it by (that file has no
 * array task ids: `sacct -c -j <array id>_<i>` finds nothing there).
 */
export const SLURM_TASK_JOB_ID_FILE = 'slurm_job_id';

const RECORD_TASK_JOB_ID = `if [ -n "\${SLURM_ARRAY_TASK_ID:-}" ]; then printf '%s\\n' "$SLURM_JOB_ID" > ${SLURM_TASK_JOB_ID_FILE}; fi`;

/**
 * The `#SBATCH` script for a job: directives from SchedulerOptions, the job's environment as an explicit
 * `--export` list (sbatch's default is ALL, the whole submission environment), then the quoted ansysedt command.
 */
export function renderSlurmScript(spec: JobSpec, context: SubmissionContext = EMPTY_SUBMISSION_CONTEXT): string {
  const lines = [
    '#!/bin/bash',
    directive('--job-name', spec.jobId),
    directive('--output', `${slurmFileName(spec.workDir)}/slurm-%j.out`),
    directive('--chdir', spec.workDir),
    ...resourceDirectives(spec, context),
  ];
  // sbatch hands its --export list on to job steps; srun started by ansysedt must see the job's whole environment.
  const steps = 'export SLURM_EXPORT_ENV=ALL';
  return [...lines, '', steps, RECORD_OWN_ID, ...renderScriptBody(spec.workDir, spec.argv, 'HFSS_JM_NATIVE_ID', [RECORD_TASK_JOB_ID]), ''].join('\n');
}

/** Directives that make a job an array of its own, or that an array's tasks could not share. */
const OWN_ARRAY_DIRECTIVE = /^#SBATCH\s+(?:--array\b|-a\b)/;

/**
 * The key under which jobs may share one job array: their resource directives, all equal. Undefined for a job whose
 * extra directives ask for an array of their own. Throws UnsafeScriptValueError as renderSlurmScript would.
 */
export function slurmArrayKey(spec: JobSpec, context: SubmissionContext = EMPTY_SUBMISSION_CONTEXT): string | undefined {
  const lines = resourceDirectives(spec, context);
  return lines.some((line) => OWN_ARRAY_DIRECTIVE.test(line)) ? undefined : lines.join('\n');
}

/**
 * The script of a job array whose task i runs the batch script `scripts[i]` of job `specs[i]` (each one written by
 * renderSlurmScript into its own work dir): the shared resource directives of the first job (slurmArrayKey says they
 * are all the same), `--array=0-(n-1)`, and a dispatch on SLURM_ARRAY_TASK_ID. The output goes through
 * `<arrayDir>/task-<i>`, a link to job i's work dir that the caller makes: each task's output, slurmstepd's own
 * messages included, is `slurm-<SLURM_JOB_ID>.out` in its job's work dir, as a submission of its own would have it.
 * Paths go into the dispatch single-quoted; no job's path reaches a directive.
 */
export function renderSlurmArrayScript(
  arrayName: string,
  arrayDir: string,
  specs: readonly JobSpec[],
  scripts: readonly string[],
  context: SubmissionContext = EMPTY_SUBMISSION_CONTEXT,
): string {
  if (specs.length === 0 || specs.length !== scripts.length) throw new Error('a job array needs one script per job, and at least one job');
  const cases = specs.map((_, index) => `  ${index}) exec /bin/bash ${quoteShellArgument(assertDirectiveSafe(scripts[index], 'batch script path'))} ;;`);
  return [
    '#!/bin/bash',
    directive('--job-name', arrayName),
    directive('--array', `0-${specs.length - 1}`),
    directive('--output', `${slurmFileName(arrayDir)}/${ARRAY_TASK_LINK}%a/slurm-%j.out`),
    directive('--chdir', arrayDir),
    ...resourceDirectives(specs[0], context),
    '',
    'case "$SLURM_ARRAY_TASK_ID" in',
    ...cases,
    '  *) echo "hfss-job-manager: array task $SLURM_ARRAY_TASK_ID has no job" >&2; exit 112 ;;',
    'esac',
    '',
  ].join('\n');
}

/** `<arrayDir>/task-<i>`: the link to task i's job work dir through which its output goes. */
export const ARRAY_TASK_LINK = 'task-';
