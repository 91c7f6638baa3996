import { ValidationFailedError } from '../../common/errors/job-manager.errors';
import { toJobView } from '../job-view.mapper';
import { JobRecord } from '../model/job-record';
import { JobStatus } from '../model/job-status';
import { batchItemResult, batchResults } from './batch-item-result';
import { batchItemError, BatchItemOutcome } from './batch-submission.service';
import { jobRecordFixture } from '../../../test/support/job-record.fixture';

const job = (id: string, status = JobStatus.QUEUED): JobRecord =>
  jobRecordFixture(id, { status, config: { project_path: '/p/a.aedt' } as JobRecord['config'], argv: ['ansysedt', '-batchsolve'] });

describe(batchItemResult.name, () => {
  it('names an accepted job by id, state and queue place, without its view, in the summary', () => {
    const result = batchItemResult({ index: 3, jobid: 'a', status: 'accepted', job: job('a') }, 7, 'summary');
    expect(result).toEqual({ index: 3, jobid: 'a', status: 'accepted', job_status: 'queued', queue_position: 7 });
    expect(Object.keys(result)).toEqual(['index', 'jobid', 'status', 'job_status', 'queue_position']);
  });

  it('leaves queue_position out for a job not waiting in the local queue', () => {
    const result = batchItemResult({ index: 0, jobid: 'd', status: 'duplicate', job: job('d', JobStatus.COMPLETED) }, undefined, 'summary');
    expect(result).toEqual({ index: 0, jobid: 'd', status: 'duplicate', job_status: 'completed' });
  });

  it('adds the whole job view with the full view', () => {
    const stored = job('a');
    expect(batchItemResult({ index: 0, jobid: 'a', status: 'accepted', job: stored }, 2, 'full')).toEqual({
      index: 0,
      jobid: 'a',
      status: 'accepted',
      job_status: 'queued',
      queue_position: 2,
      job: toJobView(stored, 2),
    });
  });

  it('answers a rejected item with its error, whose cause stays out of the JSON', () => {
    const cause = new ValidationFailedError('priority must not be greater than 1000');
    const error = batchItemError(cause);
    const result = batchItemResult({ index: 1, status: 'rejected', error }, undefined, 'full');
    expect(result).toEqual({ index: 1, status: 'rejected', error: { code: 'VALIDATION_FAILED', message: 'priority must not be greater than 1000' } });
    expect(result.error?.cause).toBe(cause);
    expect(JSON.parse(JSON.stringify(result))).toEqual({
      index: 1,
      status: 'rejected',
      error: { code: 'VALIDATION_FAILED', message: 'priority must not be greater than 1000' },
    });
  });
});

describe(batchResults.name, () => {
  it('keeps request order, counts each status and asks the queue place of stored jobs only', () => {
    const outcomes: BatchItemOutcome[] = [
      { index: 0, jobid: 'a', status: 'accepted', job: job('a') },
      { index: 1, jobid: 'x', status: 'rejected', error: batchItemError(new ValidationFailedError('bad')) },
      { index: 2, jobid: 'd', status: 'duplicate', job: job('d', JobStatus.RUNNING) },
      { index: 3, jobid: 'b', status: 'accepted', job: job('b') },
    ];
    const asked: string[] = [];
    const answer = batchResults(
      outcomes,
      (stored) => {
        asked.push(stored.id);
        return stored.status === JobStatus.QUEUED ? asked.length : undefined;
      },
      'summary',
    );
    expect(answer).toMatchObject({ accepted: 2, duplicates: 1, rejected: 1 });
    expect(answer.results.map((result) => [result.index, result.status, result.job_status, result.queue_position])).toEqual([
      [0, 'accepted', 'queued', 1],
      [1, 'rejected', undefined, undefined],
      [2, 'duplicate', 'running', undefined],
      [3, 'accepted', 'queued', 3],
    ]);
    expect(asked).toEqual(['a', 'd', 'b']);
  });
});
