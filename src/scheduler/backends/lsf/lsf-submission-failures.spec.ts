import { classifyFailedSubmit } from '../shared/submission-failure.classifier';
import { LSF_SUBMISSION_FAILURES } from './lsf-submission-failures';

// IBM's documented default messages (see the table's comment for the pages); LSF prints them on stderr, exit 255.
describe('LSF submission failure table', () => {
  it.each([
    ['mbatchd down', 'LSF is down. Please wait...\n', 'not_reached'],
    ['mbatchd down (as the fake prints it)', 'LSF is down. Please wait ...\n', 'not_reached'],
    ['connection to mbatchd failed', 'Cannot connect to LSF. Please wait...\n', 'not_reached'],
    ['LIM not responding', 'LSF daemon (LIM) not responding ... still trying\n', 'not_reached'],
    ['mbatchd busy with the request', 'LSF is processing your request. Please wait...\n', 'outcome_unknown'],
    ['unknown queue', 'nosuch: No such queue. Job not submitted.\n', 'rejected'],
  ])('%s', (_case, output, kind) => {
    expect(classifyFailedSubmit({ command: 'bsub', exitCode: 255, output }, LSF_SUBMISSION_FAILURES)).toBe(kind);
  });
});
