import { JobSpec } from '../../scheduler-backend';
import { assertDirectiveSafe, renderScriptBody, wallTimeSeconds } from '../shared/batch-script';

const NICE_BY_PRIORITY = { Low: 1000, BelowNormal: 500, Normal: 0, AboveNormal: 0, High: 0 } as const;

/** SLURM's `D-HH:MM:SS`. */
export function slurmTime(time: string): string {
  const total = wallTimeSeconds(time);
  const days = Math.floor(total / 86_400);
  const rest = total % 86_400;
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${days}-${pad(Math.floor(rest / 3600))}:${pad(Math.floor((rest % 3600) / 60))}:${pad(rest % 60)}`;
}

/** The `#SBATCH` script for a job: directives from SchedulerOptions, then the quoted ansysedt command. */
export function renderSlurmScript(spec: JobSpec): string {
  const options = spec.config.scheduler_options;
  const directive = (flag: string, value?: string | number): string =>
    `#SBATCH ${flag}${value === undefined ? '' : `=${assertDirectiveSafe(String(value), flag)}`}`;
  const lines = [
    '#!/bin/bash',
    directive('--job-name', spec.jobId),
    directive('--output', `${spec.workDir}/slurm-%j.out`),
    directive('--chdir', spec.workDir),
    directive('--time', slurmTime(options.time)),
    directive('--nodes', options.nodes),
    directive('--ntasks-per-node', options.tasks_per_node),
  ];
  if (options.queue) lines.push(directive('--partition', options.queue));
  if (options.cores_per_node > 0) lines.push(directive('--cpus-per-task', Math.max(1, Math.floor(options.cores_per_node / options.tasks_per_node))));
  if (options.memory) lines.push(directive('--mem', options.memory.replace(/\s|B$/gi, '').replace(/i$/, '')));
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
  return [...lines, '', ...renderScriptBody(spec.workDir, spec.argv, 'SLURM_JOB_ID'), ''].join('\n');
}
