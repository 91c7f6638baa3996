import { SubmissionFailureRule } from '../shared/submission-failure.classifier';

/**
 * How a failed PBS Professional / OpenPBS `qsub` ended. No PBS runs here; the texts and codes come from the
 * project's own tracker and users' transcripts:
 *   - OpenPBS issue #2623 (https://github.com/openpbs/openpbs/issues/2623), "Document return codes for
 *     non-interactive qsub": `Connection refused` exits 162, `Premature end of message` 183, `Invalid
 *     Credential` 171; network errors are the ones to wait out and resubmit.
 *   - OpenPBS issue #2070 (https://github.com/openpbs/openpbs/issues/2070): server down →
 *     `Connection refused` / `qstat: cannot connect to server <host> (errno=111)`.
 *   - OpenPBS issue #2576: `pbs_iff: cannot connect to host` when the client cannot authenticate a connection.
 * `Premature end of message` is a connection dropped mid-request: the server may have queued the job.
 */
export const PBS_SUBMISSION_FAILURES: readonly SubmissionFailureRule[] = [
  { kind: 'outcome_unknown', pattern: /Premature end of message/i },
  { kind: 'outcome_unknown', pattern: /Request timed out|timed out/i },
  { kind: 'not_reached', pattern: /cannot connect to server|Connection refused/i },
  { kind: 'not_reached', pattern: /pbs_iff: cannot connect to host|all reserved ports in use/i },
  { kind: 'not_reached', pattern: /Invalid Credential/i, exitCodes: [171] },
];
