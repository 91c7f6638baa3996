import { classifyFailedSubmit } from '../shared/submission-failure.classifier';
import { PBS_SUBMISSION_FAILURES } from './pbs-submission-failures';

// Messages and exit codes from OpenPBS issues #2623, #2070 and #2576 (see the table's comment).
describe('PBS submission failure table', () => {
  it.each([
    ['server down', 162, 'Connection refused\nqsub: cannot connect to server pbsserver (errno=15010)\n', 'not_reached'],
    ['server down (errno 111)', 1, 'qsub: cannot connect to server headnode (errno=111) Connection refused\n', 'not_reached'],
    ['no reserved port', 1, 'pbs_iff: cannot connect to host\npbs_iff: all reserved ports in use\n', 'not_reached'],
    ['credential refused', 171, 'qsub: Invalid Credential\n', 'not_reached'],
    ['connection cut mid-request', 183, 'qsub: Premature end of message\n', 'outcome_unknown'],
    ['unknown queue', 170, 'qsub: Unknown queue\n', 'rejected'],
    ['bad resource', 188, 'qsub: Unknown resource Resource_List.foo\n', 'rejected'],
  ])('%s', (_case, exitCode, output, kind) => {
    expect(classifyFailedSubmit({ command: 'qsub', exitCode, output }, PBS_SUBMISSION_FAILURES)).toBe(kind);
  });
});
