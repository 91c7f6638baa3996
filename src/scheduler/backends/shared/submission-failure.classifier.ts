import { SchedulerCommandFailedError, SchedulerCommandNotFoundError, SchedulerCommandTimeoutError } from '../../cli/scheduler-command.errors';
import {
  SchedulerUnreachableError,
  SubmissionFailureError,
  SubmissionFailureKind,
  SubmissionOutcomeUnknownError,
  SubmissionRejectedError,
} from '../../submission-failure.errors';

/**
 * One line of a scheduler's classification table: a failed submit client whose output matches `pattern` (and,
 * when given, exited with one of `exitCodes`) ended as `kind`. Tables are data, one file per scheduler, each row
 * citing where its message comes from; the first matching row wins.
 */
export interface SubmissionFailureRule {
  readonly kind: Exclude<SubmissionFailureKind, 'rejected'>;
  readonly pattern: RegExp;
  readonly exitCodes?: readonly number[];
}

/** What the classifier needs to know about a failed client run; a plain value so the tables test without a CLI. */
export interface FailedSubmitCommand {
  command: string;
  exitCode?: number;
  output: string;
  signal?: string;
  timedOut?: boolean;
}

const KINDS = { not_reached: SchedulerUnreachableError, outcome_unknown: SubmissionOutcomeUnknownError, rejected: SubmissionRejectedError };

/**
 * The kind of a failed submission: the service's own timeout or a client killed by a signal is always
 * `outcome_unknown`; otherwise the first matching row of the scheduler's table; otherwise the scheduler answered
 * and said no (`rejected`). Pure.
 */
export function classifyFailedSubmit(failure: FailedSubmitCommand, rules: readonly SubmissionFailureRule[]): SubmissionFailureKind {
  if (failure.timedOut || failure.signal) {
    return 'outcome_unknown';
  }
  const rule = rules.find(
    (candidate) => candidate.pattern.test(failure.output) && (!candidate.exitCodes || candidate.exitCodes.includes(failure.exitCode ?? -1)),
  );
  return rule?.kind ?? 'rejected';
}

/**
 * Turns whatever a backend's submit threw into the backend-neutral SubmissionFailureError the runner decides on.
 * Errors that are not about the scheduler's answer (a batch script refused before anything ran, a missing
 * client) are returned as they are.
 */
export function toSubmissionFailure(error: unknown, scheduler: string, rules: readonly SubmissionFailureRule[]): unknown {
  if (error instanceof SubmissionFailureError || error instanceof SchedulerCommandNotFoundError) {
    return error;
  }
  let failure: FailedSubmitCommand | undefined;
  if (error instanceof SchedulerCommandTimeoutError) {
    failure = { command: error.command, output: '', timedOut: true };
  } else if (error instanceof SchedulerCommandFailedError) {
    // `signal` is set by the CLI runner when the client was killed (read defensively: older runners lack it).
    const signal = (error as { signal?: unknown }).signal;
    failure = { command: error.command, exitCode: error.exitCode, output: error.stderr, signal: typeof signal === 'string' ? signal : undefined };
  }
  if (!failure) {
    return error;
  }
  const kind = classifyFailedSubmit(failure, rules);
  const detail = failure.output.trim().split('\n').slice(-3).join(' | ') || (error as Error).message;
  const prefix = {
    not_reached: `${scheduler} unreachable`,
    outcome_unknown: `${scheduler} submission outcome unknown`,
    rejected: `${scheduler} rejected the job`,
  }[kind];
  return new KINDS[kind](`${prefix}: ${detail}`, failure.output.trim() || (error as Error).message);
}

/** A submit client that exited 0 but printed no id: the scheduler may well have accepted the job. */
export function unreadableSubmitAnswer(scheduler: string, error: unknown): SubmissionOutcomeUnknownError {
  const message = error instanceof Error ? error.message : String(error);
  return new SubmissionOutcomeUnknownError(`${scheduler} submission outcome unknown: ${message}`, message);
}
