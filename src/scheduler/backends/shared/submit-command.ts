import { CommandOptions, SchedulerCli } from '../../cli/scheduler-cli';
import { SubmissionFailureRule, toSubmissionFailure, unreadableSubmitAnswer } from './submission-failure.classifier';

/**
 * Runs a scheduler's submit client and reads the native id from its answer. Any failure leaves as a
 * backend-neutral SubmissionFailureError classified by the scheduler's table; an answer without an id (exit 0)
 * as outcome unknown, since the scheduler may have accepted the job.
 */
export async function runSubmitCommand(
  cli: SchedulerCli,
  scheduler: { name: string; rules: readonly SubmissionFailureRule[] },
  command: { file: string; args: readonly string[]; options?: CommandOptions },
  parseId: (stdout: string) => string,
): Promise<string> {
  let stdout: string;
  try {
    ({ stdout } = await cli.run(command.file, command.args, command.options));
  } catch (error) {
    throw toSubmissionFailure(error, scheduler.name, scheduler.rules);
  }
  try {
    return parseId(stdout);
  } catch (error) {
    throw unreadableSubmitAnswer(scheduler.name, error);
  }
}
