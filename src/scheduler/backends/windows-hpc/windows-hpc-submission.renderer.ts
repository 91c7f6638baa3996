import { clusterCoreCount } from '../../../simulation/ansysedt-command.builder';
import { JobSpec } from '../../scheduler-backend';
import { assertDirectiveSafe, memoryMebibytes, UnsafeScriptValueError, wallTimeSeconds } from '../shared/batch-script';
import { EMPTY_SUBMISSION_CONTEXT, SubmissionContext } from '../shared/submission-context';

/** Every job the manager submits is named with this prefix, so one `job list /jobname:hfss-*` covers them all. */
export const HPC_JOB_NAME_PREFIX = 'hfss-';

const PRIORITY = { Low: 'Lowest', BelowNormal: 'BelowNormal', Normal: 'Normal', AboveNormal: 'AboveNormal', High: 'Highest' } as const;

export function hpcJobName(jobId: string): string {
  return `${HPC_JOB_NAME_PREFIX}${jobId}`;
}

/** HPC Pack's `/runtime:[[days:]hours:]minutes`, rounded up to whole minutes. */
export function hpcRuntime(time: string): string {
  const minutes = Math.max(1, Math.ceil(wallTimeSeconds(time) / 60));
  return `${Math.floor(minutes / 1440)}:${Math.floor((minutes % 1440) / 60)}:${minutes % 60}`;
}

/**
 * One argument quoted so that CommandLineToArgvW on the node gives it back unchanged, and nothing in it means
 * anything to cmd.exe: `"`, `%` (variable expansion, even inside quotes) and `!` (delayed expansion) cannot be
 * made safe there and are refused, like control characters.
 */
export function quoteWindowsArgument(value: string, field = 'solver argument'): string {
  const text = assertDirectiveSafe(value, field);
  if (/["%!]/.test(text)) {
    throw new UnsafeScriptValueError(`${field} contains " % or !, which cmd.exe on the Windows HPC node would interpret (got ${JSON.stringify(text)})`);
  }
  if (text !== '' && !/[\s&|<>^()]/.test(text)) {
    return text;
  }
  // Inside quotes, backslashes only matter before the closing quote: double a trailing run.
  return `"${text.replace(/(\\+)$/, '$1$1')}"`;
}

/** A `/option:value` value: one line, no quotes (HPC Pack's own parser splits on them). */
function optionValue(value: string | number, field: string): string {
  const text = assertDirectiveSafe(String(value), field);
  if (/["]/.test(text)) {
    throw new UnsafeScriptValueError(`${field} cannot contain double quotes in a Windows HPC job option (got ${JSON.stringify(text)})`);
  }
  return text;
}

/** One `/env:name=value`: HPC Pack separates variables with `;`, so a value may not contain one. */
function environmentOption(name: string, value: string): string {
  const text = optionValue(value, `environment variable ${name}`);
  if (text.includes(';')) {
    throw new UnsafeScriptValueError(`environment variable ${name} contains ";", which HPC Pack's /env: reads as the start of another variable`);
  }
  return `/env:${name}=${text}`;
}

/**
 * The `job submit` arguments: /options from SchedulerOptions, then the solver command line, word by word. The
 * allocation unit is cores, exactly ansysedt's numcores (HPC Pack cannot ask for N nodes × C cores: `/numnodes`
 * would grant whole nodes of unknown size). Tasks run with the node's own environment plus `/env:` for each
 * variable of the job environment.
 */
export function renderWindowsHpcSubmission(spec: JobSpec, context: SubmissionContext = EMPTY_SUBMISSION_CONTEXT): string[] {
  const options = spec.config.scheduler_options;
  const workDir = optionValue(spec.workDir, 'work directory');
  const args = [
    `/jobname:${hpcJobName(spec.jobId)}`,
    `/workdir:${workDir}`,
    `/stdout:${optionValue(spec.logPath, 'log path')}`,
    `/stderr:${optionValue(spec.logPath, 'log path')}`,
    `/runtime:${hpcRuntime(options.time)}`,
    `/priority:${PRIORITY[options.priority]}`,
  ];
  args.push(`/numcores:${clusterCoreCount(spec.config)}`);
  // A node filter in MB (nodes with less memory are not used), the closest HPC Pack has to a per-node request.
  if (options.memory) args.push(`/memorypernode:${memoryMebibytes(options.memory)}`);
  if (options.queue) args.push(`/jobtemplate:${optionValue(options.queue, 'queue')}`);
  if (options.account) args.push(`/projectname:${optionValue(options.account, 'account')}`);
  if (options.exclusive) args.push('/exclusive:true');
  if (options.constraints) args.push(`/requestednodes:${optionValue(options.constraints, 'constraints')}`);
  if (options.email_notification) args.push(`/emailaddress:${optionValue(options.email_notification, 'email_notification')}`, '/notifyoncompletion:true');
  for (const [name, value] of Object.entries(context.environment)) {
    args.push(environmentOption(name, value));
  }
  for (const extra of options.extra_directives ?? []) {
    if (!/^\/[A-Za-z]+(?::\S*)?$/.test(extra)) {
      throw new UnsafeScriptValueError(`extra_directives for Windows HPC must be /option:value words (got ${JSON.stringify(extra)})`);
    }
    args.push(optionValue(extra, 'extra_directives'));
  }
  return [...args, ...spec.argv.map((arg) => quoteWindowsArgument(arg))];
}
