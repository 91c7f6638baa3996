import { StorageFailureError } from '../src/common/errors/job-manager.errors';
import { JobPatch } from '../src/jobs/model/job-record';
import { JobStatus } from '../src/jobs/model/job-status';
import { JobRepository } from '../src/jobs/persistence/job.repository';
import { LaunchStorageError, LocalProcessBackend } from '../src/scheduler/local-process';
import { apiClient, waitFor } from './support/http';
import { makeTempDir, removeDir, startTestApp, TestApp, writeProject } from './support/test-app';

/**
 * A launch that fails on a full data disk puts its job back in the queue, which is itself a store write. When that
 * write is refused too (the WAL had room for the job's `running` row, and no more), the job waits outside the queue
 * until it can be recorded: GET /queue must still say that launches wait for the data disk, not that nothing is blocked.
 * The real app; the store and the launch are made to fail through their DI-provided instances.
 */
describe('the queue view while a failed launch cannot be re-queued (full data disk)', () => {
  let harness: TestApp;
  let projects: string;

  afterEach(async () => {
    jest.restoreAllMocks();
    await harness.close();
    removeDir(harness.dataDir);
    removeDir(projects);
  });

  it('should name the data disk in blocked_reasons until the job is back in the queue, then run it once the disk takes writes again', async () => {
    harness = await startTestApp({ env: { HFSS_JM_MAX_CONCURRENT_JOBS: '1' } });
    projects = makeTempDir('queue-storage-');
    const api = apiClient(harness.url);
    const repository = harness.app.get(JobRepository);
    const backend = harness.app.get(LocalProcessBackend);
    let diskFull = true;
    const launch = backend.submit.bind(backend);
    jest.spyOn(backend, 'submit').mockImplementation((request) => {
      if (diskFull) return Promise.reject(new LaunchStorageError(`could not write ${request.workDir}/launch-1/launch.json (ENOSPC)`));
      return launch(request);
    });
    const update = repository.update.bind(repository);
    jest.spyOn(repository, 'update').mockImplementation((id: string, patch: JobPatch, ...rest) => {
      if (diskFull && patch.status === JobStatus.QUEUED) throw new StorageFailureError('The job store could not be written (SQLITE_FULL); nothing was changed');
      return update(id, patch, ...rest);
    });

    expect((await api.submit({ jobid: 'limbo', project_path: writeProject(projects, 'limbo.aedt') })).status).toBe(201);
    const blocked = await waitFor(
      async () => {
        const queue = (await api.get('/queue')).body as { queued: number; blocked_reasons: string[] };
        return queue.blocked_reasons.some((reason) => reason.startsWith('the data disk could not be written')) ? queue : undefined;
      },
      10_000,
      'the queue to say launches wait for the data disk',
    );
    // Not in the queue (its re-queue is not recorded yet), and not forgotten either.
    expect(blocked.queued).toBe(0);
    expect((await api.job('limbo')).body.status).toBe('running');

    diskFull = false;
    expect(await api.waitForStatus('limbo', ['completed', 'failed'], 20_000)).toMatchObject({ status: 'completed', exit_code: 0 });
    expect(((await api.get('/queue')).body as { blocked_reasons: string[] }).blocked_reasons).toEqual([]);
  });
});
