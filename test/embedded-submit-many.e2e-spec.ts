import { join } from 'node:path';
import { FileNotFoundError } from '../src/common/errors/job-manager.errors';
import { JobManagerHandler } from '../src/embedded/job-manager-handler';
import { BatchSubmissionService } from '../src/jobs/submission/batch-submission.service';
import { FAKE_ANSYSEDT, makeTempDir, removeDir, writeProject } from './support/test-app';

describe('JobManagerHandler: multi-job submits go through the batch endpoint’s service', () => {
  let handler: JobManagerHandler;
  let dataDir: string;
  let projects: string;

  beforeEach(async () => {
    dataDir = makeTempDir('hfss-embedded-many-');
    projects = makeTempDir('hfss-embedded-many-projects-');
    handler = new JobManagerHandler({
      port: 0,
      dataDir,
      ansysEdtPath: FAKE_ANSYSEDT,
      maxConcurrentJobs: 1,
      settings: { HFSS_JM_MIN_FREE_MEMORY_MB: '0', HFSS_JM_DRAIN_TIMEOUT_MS: '200', HFSS_JM_KILL_GRACE_MS: '200' },
    });
    await handler.startService();
  });

  afterEach(async () => {
    await handler.close();
    removeDir(dataDir);
    removeDir(projects);
  });

  it('submitMany answers per config in order, in ONE batch call', async () => {
    const project = writeProject(projects, 'p.aedt', { duration_ms: 60_000 });
    const batch = (handler as unknown as { app: { get(token: unknown): BatchSubmissionService } }).app.get(BatchSubmissionService);
    const spy = jest.spyOn(batch, 'submitMany');
    const results = await handler.submitMany([
      { jobid: 'm_1', project_path: project },
      { jobid: 'm_missing', project_path: join(projects, 'none.aedt') },
      { jobid: 'm_bad', project_path: project, colour: 'red' },
      { jobid: 'm_1', project_path: project },
    ]);
    expect(spy).toHaveBeenCalledTimes(1);
    expect(results.map((r) => [r.index, r.jobid, r.status, r.error?.code])).toEqual([
      [0, 'm_1', 'accepted', undefined],
      [1, 'm_missing', 'rejected', 'FILE_NOT_FOUND'],
      [2, 'm_bad', 'rejected', 'VALIDATION_FAILED'],
      [3, 'm_1', 'rejected', 'VALIDATION_FAILED'],
    ]);
    expect(results[0]).toMatchObject({ job_status: 'queued' });
    expect(results[0].job).toBeUndefined();
    // The whole view when asked for.
    const full = await handler.submitMany([{ jobid: 'm_1', project_path: project }], { view: 'full' });
    expect(full[0]).toMatchObject({ status: 'duplicate', job: { job_id: 'm_1', config: { project_path: project } } });
  });

  it('submitJobs submits in one batch and rejects with the refused config’s own error; the valid ones are stored', async () => {
    const project = writeProject(projects, 'p.aedt', { duration_ms: 60_000 });
    const batch = (handler as unknown as { app: { get(token: unknown): BatchSubmissionService } }).app.get(BatchSubmissionService);
    const spy = jest.spyOn(batch, 'submitMany');
    expect(
      await handler.submitJobs([
        { jobid: 'j_a', project_path: project },
        { jobid: 'j_b', project_path: project },
      ]),
    ).toEqual(['j_a', 'j_b']);
    expect(spy).toHaveBeenCalledTimes(1);
    await expect(
      handler.submitJobs([
        { jobid: 'j_c', project_path: project },
        { jobid: 'j_x', project_path: join(projects, 'none.aedt') },
      ]),
    ).rejects.toThrow(FileNotFoundError);
    expect((await handler.getJob('j_c')).status).toBe('queued');
    // Re-submitting the same configs is a duplicate, not an error, as with one-by-one submits.
    expect(await handler.submitJobs([{ jobid: 'j_a', project_path: project }])).toEqual(['j_a']);
  });
});
