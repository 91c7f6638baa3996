import { JobSpec } from '../../scheduler-backend';
import { assertDirectiveSafe, assertSingleWord, hoursMinutesSeconds, memoryMebibytes, renderScriptBody, WordRule } from '../shared/batch-script';

/** Grid Engine's parallel environment for multi-slot jobs when the site does not name one. */
export const DEFAULT_PARALLEL_ENVIRONMENT = 'smp';

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

/** `h_vmem` is per slot: the node's memory request divided by the slots the job asks for, in MiB. */
export function memoryPerSlot(memory: string, slots: number): string {
  return `${Math.max(1, Math.ceil(memoryMebibytes(memory) / slots))}M`;
}

export interface GridEngineSubmission {
  /** The batch script: `#$` directives for everything that is one word, then the quoted solver command. */
  script: string;
  /** qsub arguments before the script path: name and paths, which may contain spaces, travel as argv elements. */
  qsubArgs: string[];
}

/** The qsub argv and `#$` script for a job, from SchedulerOptions and the ansysedt argv. */
export function renderGridEngineSubmission(spec: JobSpec, parallelEnvironment = DEFAULT_PARALLEL_ENVIRONMENT): GridEngineSubmission {
  const options = spec.config.scheduler_options;
  const slots = options.nodes * (options.cores_per_node > 0 ? options.cores_per_node : options.tasks_per_node);
  const directive = (...words: Array<[string | number, string]>): string => `#$ ${words.map(([value, field]) => word(value, field)).join(' ')}`;
  const lines = [
    '#!/bin/bash',
    directive(['-S', 'shell'], ['/bin/bash', 'shell']),
    directive(['-r', 'rerun'], ['n', 'rerun']),
    directive(['-l', 'resource'], [`h_rt=${gridEngineTime(options.time)}`, 'time']),
  ];
  if (slots > 1) lines.push(directive(['-pe', 'pe'], [parallelEnvironment, 'parallel environment'], [slots, 'slots']));
  if (options.queue) lines.push(directive(['-q', 'q'], [options.queue, 'queue']));
  if (options.memory) lines.push(directive(['-l', 'l'], [`h_vmem=${memoryPerSlot(options.memory, slots)}`, 'memory']));
  if (options.account) lines.push(directive(['-A', 'A'], [options.account, 'account']));
  if (options.reservation) lines.push(directive(['-ar', 'ar'], [options.reservation, 'reservation']));
  // Grid Engine has no QoS; its projects (-P) are what sites use for share-tree/priority classes.
  if (options.qos) lines.push(directive(['-P', 'P'], [options.qos, 'qos']));
  if (options.constraints) lines.push(directive(['-l', 'l'], [options.constraints, 'constraints']));
  if (options.exclusive) lines.push(directive(['-l', 'l'], ['exclusive=true', 'exclusive']));
  if (options.gpus > 0) lines.push(directive(['-l', 'l'], [`gpu=${options.gpus}`, 'gpus']));
  if (options.email_notification) lines.push(directive(['-M', 'M'], [options.email_notification, 'email_notification'], ['-m', 'm'], ['ea', 'm']));
  if (PRIORITY_BY_LEVEL[options.priority] < 0) lines.push(directive(['-p', 'p'], [PRIORITY_BY_LEVEL[options.priority], 'priority']));
  for (const extra of options.extra_directives ?? []) {
    lines.push(`#$ ${assertDirectiveSafe(extra, 'extra_directives')}`);
  }
  const workDir = assertDirectiveSafe(spec.workDir, 'work directory');
  return {
    script: [...lines, '', ...renderScriptBody(spec.workDir, spec.argv, 'JOB_ID'), ''].join('\n'),
    // $JOB_ID in -o is expanded by Grid Engine itself (a pseudo variable), not by a shell.
    qsubArgs: ['-terse', '-N', gridEngineJobName(spec.jobId), '-wd', workDir, '-j', 'y', '-o', `${workDir}/sge.$JOB_ID.out`],
  };
}
