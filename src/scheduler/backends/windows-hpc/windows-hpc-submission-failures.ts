import { SubmissionFailureRule } from '../shared/submission-failure.classifier';

/**
 * How a failed HPC Pack `job submit` ended. No HPC Pack runs here. The `job` command is a .NET client of the
 * HPC Job Scheduler Service; when it cannot connect it prints the socket error's text, which Windows documents
 * (Windows Sockets error codes, WSAECONNREFUSED 10061 / WSAETIMEDOUT 10060; quoted in Microsoft's HPC Pack
 * troubleshooting article "HPC compute nodes aren't shown or are in error state",
 * https://github.com/MicrosoftDocs/SupportArticles-docs/blob/main/support/azure/hpc/pack/compute-node-not-shown-error-state.md):
 *   `No connection could be made because the target machine actively refused it`
 *   `A connection attempt failed because the connected party did not properly respond after a period of time`
 * Both are connection attempts that never carried the request. A reply lost after the request was sent is a
 * .NET/WCF timeout (`The operation has timed out`, `The request channel timed out`): outcome unknown.
 * `Unable to connect to the head node` is the test fake's wording (test/fakes/windows-hpc); it is not quoted from
 * Microsoft's documentation.
 */
export const WINDOWS_HPC_SUBMISSION_FAILURES: readonly SubmissionFailureRule[] = [
  { kind: 'outcome_unknown', pattern: /The operation has timed out|request channel timed out|did not receive a reply/i },
  { kind: 'not_reached', pattern: /actively refused it/i },
  { kind: 'not_reached', pattern: /connection attempt failed because the connected party did not properly respond/i },
  { kind: 'not_reached', pattern: /Unable to connect to the head node|HPC Job Scheduler Service may not be running/i },
];
