import { SchedulerCommandFailedError } from '../../cli/scheduler-command.errors';
import { NativeJobState } from '../../scheduler-backend';

/** `job list /format:list` / `job listtasks /format:list`: blocks of `Property : Value` lines, blank-line separated. */
export function parsePropertyBlocks(stdout: string): Array<Record<string, string>> {
  return stdout
    .split(/\r?\n\s*\r?\n/)
    .map((block) =>
      Object.fromEntries(
        block
          .split(/\r?\n/)
          .map((line) => /^\s*([^:]+?)\s*:\s?(.*)$/.exec(line))
          .filter((match): match is RegExpExecArray => match !== null)
          .map((match) => [match[1], match[2].trim()]),
      ),
    )
    .filter((block) => Object.keys(block).length > 0);
}

/**
 * HPC Pack job states: Configuring, Submitted, Validating, ExternalValidation, Queued → pending; Dispatching,
 * Running, Finishing, Canceling → running; Finished, Failed, Canceled → final.
 */
export function windowsHpcState(state: string): NativeJobState {
  switch (state) {
    case 'Configuring':
    case 'Submitted':
    case 'Validating':
    case 'ExternalValidation':
    case 'Queued':
      return {
        status: 'pending',
        reason: state === 'Queued' ? undefined : state,
      };
    case 'Dispatching':
    case 'Running':
    case 'Finishing':
      return { status: 'running' };
    case 'Canceling':
      return { status: 'running', reason: 'being canceled' };
    case 'Finished':
      return { status: 'completed', exitCode: 0 };
    case 'Failed':
      return {
        status: 'failed',
        exitCode: null,
        reason: 'Windows HPC reports Failed',
      };
    case 'Canceled':
      return { status: 'cancelled', exitCode: null, reason: 'Canceled' };
    default:
      return {
        status: 'unknown',
        reason: `unknown Windows HPC state ${state}`,
      };
  }
}

/**
 * HPC Pack's own explanation of a job's state (`job view` / `job list /format:list` properties): `Pending Reason`
 * while it waits (e.g. "The job is waiting for resources"), `Error Message` once it failed.
 */
function hpcReason(block: Record<string, string>): { nativeReason?: string } {
  const reason = block['Pending Reason'] || block['Error Message'] || block.PendingReason || block.ErrorMessage;
  return reason ? { nativeReason: reason } : {};
}

/** `job list … /format:list` → state by job id. */
export function parseJobList(stdout: string): Map<string, NativeJobState & { name: string }> {
  const jobs = new Map<string, NativeJobState & { name: string }>();
  for (const block of parsePropertyBlocks(stdout)) {
    if (block.Id && block.State)
      jobs.set(block.Id, {
        name: block.Name ?? '',
        ...windowsHpcState(block.State),
        nativeState: block.State,
        ...hpcReason(block),
      });
  }
  return jobs;
}

/** `Job has been submitted. ID: 123.` */
export function parseJobSubmitOutput(stdout: string): string {
  const match = /Job has been submitted\. ID: (\d+)\./.exec(stdout);
  if (!match) {
    throw new SchedulerCommandFailedError('job', 0, `unexpected reply to job submit ${JSON.stringify(stdout.trim())}`);
  }
  return match[1];
}

/** The exit code of a job's (single) task from `job listtasks <id> /format:list`. */
export function parseTaskExitCode(stdout: string): number | null {
  const code = parsePropertyBlocks(stdout)[0]?.['Exit Code'];
  return code !== undefined && /^-?\d+$/.test(code) ? Number(code) : null;
}
