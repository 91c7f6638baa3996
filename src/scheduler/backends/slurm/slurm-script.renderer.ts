import { JobSpec } from '../../scheduler-backend';
import { assertDirectiveSafe, memoryMebibytes, renderScriptBody, UnsafeScriptValueError, wallTimeSeconds } from '../shared/batch-script';
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

/**
 * The `#SBATCH` script for a job: directives from SchedulerOptions, the job's environment as an explicit
 * `--export` list (sbatch's default is ALL, the whole submission environment), then the quoted ansysedt command.
 */
export function renderSlurmScript(spec: JobSpec, context: SubmissionContext = EMPTY_SUBMISSION_CONTEXT): string {
  const options = spec.config.scheduler_options;
  const directive = (flag: string, value?: string | number): string => `#SBATCH ${flag}${value === undefined ? '' : `=${slurmWord(value, flag)}`}`;
  const lines = [
    '#!/bin/bash',
    directive('--job-name', spec.jobId),
    directive('--output', `${slurmFileName(spec.workDir)}/slurm-%j.out`),
    directive('--chdir', spec.workDir),
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
  // sbatch hands its --export list on to job steps; srun started by ansysedt must see the job's whole environment.
  const steps = 'export SLURM_EXPORT_ENV=ALL';
  return [...lines, '', steps, ...renderScriptBody(spec.workDir, spec.argv, 'SLURM_JOB_ID'), ''].join('\n');
}
