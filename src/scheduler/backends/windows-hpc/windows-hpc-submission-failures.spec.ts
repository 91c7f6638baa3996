import { classifyFailedSubmit } from '../shared/submission-failure.classifier';
import { WINDOWS_HPC_SUBMISSION_FAILURES } from './windows-hpc-submission-failures';

// Windows socket / .NET texts (see the table's comment for the sources); `job` exits 1 on every error.
describe('Windows HPC submission failure table', () => {
  it.each([
    ['scheduler service stopped', 'No connection could be made because the target machine actively refused it 10.0.0.4:5970\n', 'not_reached'],
    [
      'head node not answering the connect',
      'A connection attempt failed because the connected party did not properly respond after a period of time, or established connection failed because connected host has failed to respond 10.0.0.4:5970\n',
      'not_reached',
    ],
    ['head node down (fake)', 'Unable to connect to the head node headnode. The HPC Job Scheduler Service may not be running.\n', 'not_reached'],
    ['reply lost', 'The operation has timed out.\n', 'outcome_unknown'],
    ['unknown template', 'The job template nosuch does not exist.\n', 'rejected'],
  ])('%s', (_case, output, kind) => {
    expect(classifyFailedSubmit({ command: 'job', exitCode: 1, output }, WINDOWS_HPC_SUBMISSION_FAILURES)).toBe(kind);
  });
});
