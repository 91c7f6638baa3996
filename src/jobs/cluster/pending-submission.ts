import { SchedulerType } from '../../simulation/scheduler-type.enum';
import { JobRecord } from '../model/job-record';
import { pollDelay } from './poll-backoff';

/**
 * A cluster job the scheduler has not (knowingly) accepted yet:
 * - `not_reached`: nothing was created; it is submitted again at `nextAttemptAt` (back-off per failed attempt);
 * - `outcome_unknown`: the scheduler may have it; it is looked up by name and recorded id before anything else.
 */
export interface PendingSubmission {
  job: JobRecord;
  phase: 'not_reached' | 'outcome_unknown';
  /** Submissions that did not reach the scheduler, in a row. */
  failedAttempts: number;
  /** Lookups by name that found nothing since the outcome became unknown. */
  lookups: number;
  nextAttemptAt: number;
  /** The scheduler's (or the lookup's) last message. */
  lastMessage: string;
}

/** Lookups by name that must find nothing before an unknown outcome counts as "never created". */
export const LOOKUPS_BEFORE_RESUBMIT = 2;

/** Delay before the next submission after `failedAttempts` unreachable ones: the poll interval, doubling, capped. */
export function resubmitDelay(pollIntervalMs: number, maxBackoffMs: number, failedAttempts: number): number {
  return pollDelay(pollIntervalMs, maxBackoffMs, Math.max(0, failedAttempts - 1));
}

/** What the job view and GET /queue say while the job waits, e.g. "waiting for slurm: scheduler unreachable …, next attempt in 30 s". */
export function waitingReason(scheduler: SchedulerType, pending: Omit<PendingSubmission, 'job'>, now: number): string {
  const detail = pending.lastMessage ? ` (${oneLine(pending.lastMessage)})` : '';
  if (pending.phase === 'outcome_unknown') {
    return `waiting for ${scheduler}: submission outcome unknown${detail}; looking the job up by name before any new submission`;
  }
  const seconds = Math.max(0, Math.ceil((pending.nextAttemptAt - now) / 1000));
  return `waiting for ${scheduler}: scheduler unreachable${detail}; attempt ${pending.failedAttempts} failed, next attempt in ${seconds} s`;
}

function oneLine(text: string): string {
  const line = text
    .trim()
    .split('\n')
    .map((part) => part.trim())
    .filter(Boolean)
    .slice(-2)
    .join(' | ');
  return line.length > 200 ? `${line.slice(0, 197)}...` : line;
}
