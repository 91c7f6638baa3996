import { SchedulerCommandFailedError, SchedulerCommandNotFoundError, SchedulerCommandTimeoutError } from '../../cli/scheduler-command.errors';
import { SchedulerUnreachableError, SubmissionOutcomeUnknownError, SubmissionRejectedError } from '../../submission-failure.errors';
import { classifyFailedSubmit, SubmissionFailureRule, toSubmissionFailure, unreadableSubmitAnswer } from './submission-failure.classifier';

const RULES: SubmissionFailureRule[] = [
  { kind: 'outcome_unknown', pattern: /timed out/ },
  { kind: 'not_reached', pattern: /refused/ },
  { kind: 'not_reached', pattern: /credential/, exitCodes: [171] },
];

describe('submission failure classifier', () => {
  it('should take the first matching row, honour exit codes, and call anything else a rejection', () => {
    expect(classifyFailedSubmit({ command: 'x', exitCode: 1, output: 'Connection refused, timed out' }, RULES)).toBe('outcome_unknown');
    expect(classifyFailedSubmit({ command: 'x', exitCode: 1, output: 'Connection refused' }, RULES)).toBe('not_reached');
    expect(classifyFailedSubmit({ command: 'x', exitCode: 171, output: 'bad credential' }, RULES)).toBe('not_reached');
    expect(classifyFailedSubmit({ command: 'x', exitCode: 2, output: 'bad credential' }, RULES)).toBe('rejected');
    expect(classifyFailedSubmit({ command: 'x', exitCode: 1, output: 'invalid partition' }, RULES)).toBe('rejected');
  });

  it('should call every timeout and every client killed by a signal outcome unknown, whatever it printed', () => {
    expect(classifyFailedSubmit({ command: 'x', output: 'Connection refused', timedOut: true }, RULES)).toBe('outcome_unknown');
    expect(classifyFailedSubmit({ command: 'x', exitCode: 1, output: 'invalid partition', signal: 'SIGKILL' }, RULES)).toBe('outcome_unknown');
  });

  it('should turn CLI errors into the backend-neutral types with the scheduler message', () => {
    const refused = toSubmissionFailure(new SchedulerCommandFailedError('qsub', 1, 'Connection refused\n'), 'pbs', RULES);
    expect(refused).toBeInstanceOf(SchedulerUnreachableError);
    expect(refused).toMatchObject({ kind: 'not_reached', schedulerMessage: 'Connection refused', message: 'pbs unreachable: Connection refused' });
    expect(toSubmissionFailure(new SchedulerCommandFailedError('qsub', 1, 'nope'), 'pbs', RULES)).toBeInstanceOf(SubmissionRejectedError);
    expect(toSubmissionFailure(new SchedulerCommandTimeoutError('qsub', 30_000), 'pbs', RULES)).toBeInstanceOf(SubmissionOutcomeUnknownError);
    const killed = Object.assign(new SchedulerCommandFailedError('qsub', 137, ''), { signal: 'SIGKILL' });
    expect(toSubmissionFailure(killed, 'pbs', RULES)).toBeInstanceOf(SubmissionOutcomeUnknownError);
  });

  it('should leave errors that are not about the scheduler answer as they are', () => {
    const missing = new SchedulerCommandNotFoundError('qsub');
    const other = new Error('EACCES');
    expect(toSubmissionFailure(missing, 'pbs', RULES)).toBe(missing);
    expect(toSubmissionFailure(other, 'pbs', RULES)).toBe(other);
  });

  it('should treat an answer without a job id as outcome unknown', () => {
    expect(unreadableSubmitAnswer('slurm', new Error('sbatch printed no job id'))).toMatchObject({ kind: 'outcome_unknown' });
  });
});
