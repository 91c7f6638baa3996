import { clusterCoresPerNode } from '../../../simulation/ansysedt-command.builder';
import { JobSpec } from '../../scheduler-backend';
import { assertDirectiveSafe, assertSingleWord, hoursMinutesSeconds, memoryMebibytes, renderScriptBody, WordRule } from '../shared/batch-script';
import { EMPTY_SUBMISSION_CONTEXT, environmentNameList, SubmissionContext } from '../shared/submission-context';

/** qsub -p: -1024 (lowest) .. 1023. */
const PRIORITY = { Low: -500, BelowNormal: -250, Normal: 0, AboveNormal: 250, High: 500 } as const;

/** PBS job names must start with a letter (qsub: "illegal -N value"); others get a `j` prefix, lookups too. */
export function pbsJobName(jobId: string): string {
  return /^[A-Za-z]/.test(jobId) ? jobId : `j${jobId}`;
}

export const pbsWalltime = hoursMinutesSeconds;

/** Memory per chunk (node) in whole MiB: `64GB` → `65536mb`, `1.5G` → `1536mb`; PBS sizes are integers, `mb` = 2²⁰ bytes. */
export function pbsSize(memory: string): string {
  return `${memoryMebibytes(memory)}mb`;
}

/** `#PBS` lines are parsed like command-line words: each value must be one word without quotes. */
const PBS_WORD: WordRule = { directive: 'PBS', forbidden: /[\s"'\\]/, description: 'spaces, quotes or backslashes' };
const word = (value: string | number, field: string): string => assertSingleWord(value, field, PBS_WORD);

export interface PbsSubmission {
  script: string;
  /** Name and output path travel as qsub arguments (paths may contain spaces). */
  qsubArgs: string[];
}

/** The qsub argv and `#PBS` script (PBS Professional / OpenPBS `select` syntax) for a job. */
export function renderPbsSubmission(spec: JobSpec, context: SubmissionContext = EMPTY_SUBMISSION_CONTEXT): PbsSubmission {
  const options = spec.config.scheduler_options;
  const ncpus = clusterCoresPerNode(options);
  const chunk = [`select=${options.nodes}`, `ncpus=${ncpus}`, `mpiprocs=${options.tasks_per_node}`];
  if (options.memory) chunk.push(`mem=${word(pbsSize(options.memory), 'memory')}`);
  if (options.gpus > 0) chunk.push(`ngpus=${options.gpus}`);
  const lines = ['#!/bin/bash', `#PBS -l walltime=${pbsWalltime(options.time)}`, `#PBS -l ${chunk.join(':')}`, '#PBS -r n'];
  if (options.nodes > 1 || options.exclusive) lines.push(`#PBS -l place=${options.nodes > 1 ? 'scatter' : 'pack'}${options.exclusive ? ':excl' : ''}`);
  // An advance reservation is a queue in PBS (R123); a named queue wins.
  const queue = options.queue ?? options.reservation;
  if (queue) lines.push(`#PBS -q ${word(queue, 'queue')}`);
  if (options.account) lines.push(`#PBS -A ${word(options.account, 'account')}`);
  if (options.constraints) lines.push(`#PBS -l ${word(options.constraints, 'constraints')}`);
  if (options.email_notification) lines.push(`#PBS -M ${word(options.email_notification, 'email_notification')}`, '#PBS -m ae');
  if (PRIORITY[options.priority] !== 0) lines.push(`#PBS -p ${PRIORITY[options.priority]}`);
  if (options.qos) lines.push(`# qos ${word(options.qos, 'qos')} ignored: PBS has no QoS (use queue or extra_directives)`);
  if (options.gpu_type)
    lines.push(`# gpu_type ${word(options.gpu_type, 'gpu_type')} ignored: PBS selects GPU models through site resources (extra_directives)`);
  for (const extra of options.extra_directives ?? []) {
    lines.push(`#PBS ${assertDirectiveSafe(extra, 'extra_directives')}`);
  }
  const workDir = assertDirectiveSafe(spec.workDir, 'work directory');
  const environment = environmentNameList(context);
  return {
    script: [...lines, '', ...renderScriptBody(spec.workDir, spec.argv, 'PBS_JOBID'), ''].join('\n'),
    // No -V: only the job environment's names, whose values qsub takes from its own environment.
    qsubArgs: ['-N', pbsJobName(spec.jobId), '-j', 'oe', '-o', `${workDir}/pbs.out`, ...(environment ? ['-v', environment] : [])],
  };
}
