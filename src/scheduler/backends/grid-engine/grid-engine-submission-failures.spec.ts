import { classifyFailedSubmit } from '../shared/submission-failure.classifier';
import { GRID_ENGINE_SUBMISSION_FAILURES } from './grid-engine-submission-failures';

// Captured from Son of Grid Engine 8.1.9 on Debian 12 on the CI machine, sge_qmaster stopped (2026-12-01).
// With sge_qmaster SIGSTOPped qsub printed nothing and was still waiting after 75 s: only our timeout ends it.
describe('Grid Engine submission failure table', () => {
  it.each([
    [
      'qmaster stopped',
      1,
      'error: commlib error: got select error (Connection refused)\nUnable to run job: unable to send message to qmaster using port 6444 on host "vm": got send error\nExiting.\n',
      'not_reached',
    ],
    ['reply lost (commlib read error; not reproduced here)', 1, 'error: commlib error: got read error (closing "vm/qmaster/1")\n', 'outcome_unknown'],
    ['unknown queue', 1, 'Unable to run job: Job was rejected because job requests unknown queue "nosuch".\nExiting.\n', 'rejected'],
    ['no suitable queue', 1, 'Unable to run job: error: no suitable queues.\nExiting.\n', 'rejected'],
  ])('%s', (_case, exitCode, output, kind) => {
    expect(classifyFailedSubmit({ command: 'qsub', exitCode, output }, GRID_ENGINE_SUBMISSION_FAILURES)).toBe(kind);
  });

  it('should count a qsub killed by our timeout as outcome unknown', () => {
    expect(classifyFailedSubmit({ command: 'qsub', output: '', timedOut: true }, GRID_ENGINE_SUBMISSION_FAILURES)).toBe('outcome_unknown');
  });
});
