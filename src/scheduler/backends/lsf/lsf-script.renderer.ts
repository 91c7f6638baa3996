import { LSF_LIMIT_UNITS, LsfLimitUnit } from '../../../config/environment-variables';
import { clusterCoresPerNode } from '../../../simulation/ansysedt-command.builder';
import { JobSpec } from '../../scheduler-backend';
import {
  assertDirectiveSafe,
  assertSingleWord,
  memoryBytes,
  memoryMebibytes,
  renderScriptBody,
  UnsafeScriptValueError,
  wallTimeSeconds,
  WordRule,
} from '../shared/batch-script';
import { EMPTY_SUBMISSION_CONTEXT, environmentNameList, SubmissionContext } from '../shared/submission-context';

/** The job's LSF output file in its work dir; bsub replaces `%J` with the job id. */
export const LSF_OUTPUT_FILE = 'lsf.%J.out';

/**
 * Users may set `-sp` between 1 and MAX_USER_PRIORITY (lsb.params; IBM's example is 100, and a job without -sp
 * gets MAX_USER_PRIORITY/2). As for the other schedulers, only lowering is mapped: raising is the admins' call.
 */
const USER_PRIORITY_BY_LEVEL = { Low: 10, BelowNormal: 25, Normal: 0, AboveNormal: 0, High: 0 } as const;

/** LSF's `-W [hour:]minute` run limit (hours may exceed 24); seconds are rounded up to the next minute. */
export function lsfRunLimit(time: string): string {
  const minutes = Math.max(1, Math.ceil(wallTimeSeconds(time) / 60));
  return `${Math.floor(minutes / 60)}:${String(minutes % 60).padStart(2, '0')}`;
}

/**
 * Memory per host as an integer in the cluster's LSF_UNIT_FOR_LIMITS, rounded up, for `rusage[mem=<n>]`: a number
 * without a unit, which every LSF version reads in that unit (units inside rusage need 10.1.0.2 or later).
 */
export function lsfMemory(memory: string, unit: LsfLimitUnit = 'MB'): number {
  memoryMebibytes(memory); // refuses less than 1 MiB
  return Math.max(1, Math.ceil(memoryBytes(memory) / 1024 ** (LSF_LIMIT_UNITS.indexOf(unit) + 1)));
}

/**
 * `#BSUB` lines are split into words by bsub itself, honouring quotes: a value must be one word without quotes,
 * backslashes, `$` or control characters, so it can neither end its line nor smuggle in another option.
 */
const LSF_WORD: WordRule = { directive: 'LSF', forbidden: /[\s"'`\\$]/, description: 'spaces, quotes, backslashes, backticks or $' };
const word = (value: string | number, field: string): string => assertSingleWord(value, field, LSF_WORD);

/** bsub expands `%J` and `%I` in -cwd and -o: a path with `%` would be rewritten, so it is refused. */
function plainPath(path: string, field: string): string {
  const text = assertDirectiveSafe(path, field);
  if (text.includes('%')) {
    throw new UnsafeScriptValueError(`${field} contains "%", which bsub would expand (%J, %I); use a path without it`);
  }
  return text;
}

/** SLURM-style `a&b|c` constraints as an LSF selection string `a&&b||c`; brackets could close the section. */
function selection(constraints: string): string {
  const text = word(constraints, 'constraints');
  if (/[[\]]/.test(text)) {
    throw new UnsafeScriptValueError('constraints may not contain [ or ] in an LSF select[] section');
  }
  return text.replace(/&+/g, '&&').replace(/\|+/g, '||');
}

export interface LsfSubmission {
  /** The batch script fed to `bsub` on stdin: `#BSUB` directives for the resources, then the quoted solver command. */
  script: string;
  /** bsub arguments: the job name and the paths, which may contain spaces, travel as argv elements, never through a line parser. */
  bsubArgs: string[];
}

/**
 * The bsub argv and `#BSUB` script for a job, from SchedulerOptions and the ansysedt argv. `unitForLimits` must
 * match the cluster's LSF_UNIT_FOR_LIMITS (HFSS_JM_LSF_UNIT_FOR_LIMITS). The job environment goes as `-env
 * <names>` (bsub's default is "all": the whole submission environment).
 */
export function renderLsfSubmission(spec: JobSpec, unitForLimits: LsfLimitUnit = 'MB', context: SubmissionContext = EMPTY_SUBMISSION_CONTEXT): LsfSubmission {
  const options = spec.config.scheduler_options;
  const perNode = clusterCoresPerNode(options);
  const slots = options.nodes * perNode;
  const directive = (flag: string, value?: string | number, quoted = false): string =>
    `#BSUB ${flag}${value === undefined ? '' : ` ${quoted ? `"${value}"` : word(value, flag)}`}`;
  const resources = [
    options.constraints ? `select[${selection(options.constraints)}]` : '',
    options.memory ? `rusage[mem=${lsfMemory(options.memory, unitForLimits)}]` : '',
    options.nodes > 1 ? `span[ptile=${perNode}]` : slots > 1 ? 'span[hosts=1]' : '',
  ].filter(Boolean);
  const lines = ['#!/bin/bash', directive('-W', lsfRunLimit(options.time)), directive('-n', slots)];
  if (resources.length > 0) lines.push(directive('-R', resources.join(' '), true));
  if (options.queue) lines.push(directive('-q', options.queue));
  if (options.account) lines.push(directive('-P', options.account));
  if (options.reservation) lines.push(directive('-U', options.reservation));
  // LSF has no QoS; its service classes (-sla, goal-oriented SLA scheduling) are what sites use for that.
  if (options.qos) lines.push(directive('-sla', options.qos));
  if (options.exclusive) lines.push(directive('-x'));
  if (options.gpus > 0) lines.push(directive('-gpu', `num=${options.gpus}${options.gpu_type ? `:gmodel=${word(options.gpu_type, 'gpu_type')}` : ''}`, true));
  if (options.email_notification) lines.push(directive('-u', options.email_notification), directive('-N'));
  if (USER_PRIORITY_BY_LEVEL[options.priority] > 0) lines.push(directive('-sp', USER_PRIORITY_BY_LEVEL[options.priority]));
  for (const extra of options.extra_directives ?? []) {
    lines.push(`#BSUB ${assertDirectiveSafe(extra, 'extra_directives')}`);
  }
  const workDir = plainPath(spec.workDir, 'work directory');
  return {
    script: [...lines, '', ...renderScriptBody(spec.workDir, spec.argv, 'LSB_JOBID'), ''].join('\n'),
    bsubArgs: ['-J', word(spec.jobId, 'job name'), '-cwd', workDir, '-o', `${workDir}/${LSF_OUTPUT_FILE}`, '-env', environmentNameList(context) || 'none'],
  };
}
