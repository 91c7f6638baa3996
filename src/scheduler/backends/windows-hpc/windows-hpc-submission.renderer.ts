import { JobSpec } from '../../scheduler-backend';
import { assertDirectiveSafe, UnsafeScriptValueError, wallTimeSeconds } from '../shared/batch-script';

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

/** The `job submit` arguments: /options from SchedulerOptions, then the solver command line, word by word. */
export function renderWindowsHpcSubmission(spec: JobSpec): string[] {
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
  if (options.nodes > 1) args.push(`/numnodes:${options.nodes}`);
  else args.push(`/numcores:${Math.max(1, options.cores_per_node > 0 ? options.cores_per_node : options.tasks_per_node)}`);
  if (options.queue) args.push(`/jobtemplate:${optionValue(options.queue, 'queue')}`);
  if (options.account) args.push(`/projectname:${optionValue(options.account, 'account')}`);
  if (options.exclusive) args.push('/exclusive:true');
  if (options.constraints) args.push(`/requestednodes:${optionValue(options.constraints, 'constraints')}`);
  if (options.email_notification) args.push(`/emailaddress:${optionValue(options.email_notification, 'email_notification')}`, '/notifyoncompletion:true');
  for (const extra of options.extra_directives ?? []) {
    if (!/^\/[A-Za-z]+(?::\S*)?$/.test(extra)) {
      throw new UnsafeScriptValueError(`extra_directives for Windows HPC must be /option:value words (got ${JSON.stringify(extra)})`);
    }
    args.push(optionValue(extra, 'extra_directives'));
  }
  return [...args, ...spec.argv.map((arg) => quoteWindowsArgument(arg))];
}
