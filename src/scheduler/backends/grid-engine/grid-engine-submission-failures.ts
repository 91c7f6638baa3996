import { SubmissionFailureRule } from '../shared/submission-failure.classifier';

/**
 * How a failed `qsub` ended, from its message. Captured from Son of Grid Engine 8.1.9 (Debian 12) with faults
 * injected (the spec next to this file has them verbatim):
 *   sge_qmaster stopped → `error: commlib error: got select error (Connection refused)` /
 *                         `Unable to run job: unable to send message to qmaster using port 6444 on host "vm": got send error` (rc 1, at once)
 *   sge_qmaster SIGSTOPped → qsub waits for the answer until the service's command timeout kills it (outcome unknown).
 * A reply lost after the request was sent (`got read error`, `can't receive`, a commlib timeout) may follow an
 * accepted job. Everything else is qmaster's own refusal (`Unable to run job: …` with a reason): rejected.
 */
export const GRID_ENGINE_SUBMISSION_FAILURES: readonly SubmissionFailureRule[] = [
  { kind: 'outcome_unknown', pattern: /got read error|can't receive|receive timeout|timeout while waiting|commlib error: .*timeout/i },
  { kind: 'not_reached', pattern: /commlib error: .*(Connection refused|can't connect|no route to host|endpoint is not unique)/i },
  { kind: 'not_reached', pattern: /unable to (send message to|contact) qmaster/i },
  { kind: 'not_reached', pattern: /unable to connect to qmaster|can't connect to service|cell directory .* doesn't exist/i },
];
