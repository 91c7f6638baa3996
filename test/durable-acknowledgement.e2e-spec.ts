import { DATA_DIR_LOCK, SQLITE_DATABASE } from '../src/jobs/jobs.constants';
import { DataDirLock } from '../src/jobs/persistence/data-dir-lock';
import { openJobDatabase } from '../src/jobs/persistence/sqlite-database.provider';
import { APP_CONFIG } from '../src/config/config.constants';
import { AppConfig } from '../src/config/app-config';
import { existsSync } from 'node:fs';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { JobStateChangedEvent } from '../src/jobs/events/job-state-changed.event';
import { JobStatus } from '../src/jobs/model/job-status';
import { JobRepository } from '../src/jobs/persistence/job.repository';
import { LocalProcessBackend } from '../src/scheduler/backends/local/local-process.backend';
import { SCHEDULER_BACKENDS } from '../src/scheduler/scheduler.constants';
import { FakeClusterBackend } from './fakes/fake-cluster-backend';
import { apiClient, waitFor } from './support/http';
import { startServiceProcess, useServiceSandbox } from './support/service-process';
import { makeTempDir, removeDir, startTestApp, TestApp, writeProject } from './support/test-app';

/** The WAL fsyncs of the store, held until the test lets them complete. */
function heldSync() {
  const pending: Array<(error: NodeJS.ErrnoException | null) => void> = [];
  return {
    pending,
    sync: (_fd: number, done: (error: NodeJS.ErrnoException | null) => void) => void pending.push(done),
    release: () => pending.splice(0).forEach((done) => done(null)),
  };
}

const settledWithin = async (promise: Promise<unknown>, ms: number): Promise<boolean> =>
  Promise.race([promise.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms))]);

describe('acknowledged means durable (HFSS_JM_SQLITE_SYNCHRONOUS=full, group commit)', () => {
  let harness: TestApp | undefined;
  let projects: string;
  beforeEach(() => (projects = makeTempDir('hfss-durable-projects-')));
  afterEach(async () => {
    await harness?.close();
    if (harness) removeDir(harness.dataDir);
    harness = undefined;
    removeDir(projects);
  });

  it('should answer neither the submit nor a read of the new job before the WAL fsync completes', async () => {
    const held = heldSync();
    harness = await startTestApp({
      env: { HFSS_JM_SQLITE_SYNCHRONOUS: 'full', HFSS_JM_MIN_FREE_MEMORY_MB: '1000000000' },
      configure: (builder) =>
        builder.overrideProvider(SQLITE_DATABASE).useFactory({
          inject: [APP_CONFIG, DATA_DIR_LOCK],
          factory: (config: AppConfig, _lock: DataDirLock) => openJobDatabase(config.storage.dataDir, 'full', { syncFile: held.sync }),
        }),
    });
    const api = apiClient(harness.url);
    const submitted = api.submit({ jobid: 'held', project_path: writeProject(projects, 'held.aedt') });
    // The insert is committed as soon as the submit reaches the store; its fsync is held.
    for (let i = 0; i < 100 && held.pending.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(held.pending.length).toBeGreaterThan(0);
    const read = api.job('held');
    const listed = api.get('/jobs');
    // A failed expectation below closes the app under these requests: their rejections must not crash the run.
    [submitted, read, listed].forEach((request) => request.catch(() => undefined));
    expect(await settledWithin(submitted, 500)).toBe(false);
    expect(await settledWithin(read, 100)).toBe(false);
    expect(await settledWithin(listed, 100)).toBe(false);

    held.release();
    expect((await submitted).status).toBe(201);
    expect((await read).body).toMatchObject({ job_id: 'held', status: 'queued' });
    expect((await listed).body).toMatchObject({ total: 1, items: [{ job_id: 'held' }] });
    // Later writes get fsyncs of their own; the test keeps releasing them until the app closes.
    const releasing = setInterval(() => held.release(), 5);
    await harness.close();
    clearInterval(releasing);
    removeDir(harness.dataDir);
    harness = undefined;
  });

  it('should acknowledge nothing after a failed WAL fsync: 507 for the write, no event, every later change refused, /health 503, until a restart', async () => {
    // Every fsync fails with EIO until `healthy`; the restart below gets a working disk.
    const failing = (_fd: number, done: (error: NodeJS.ErrnoException | null) => void) =>
      setImmediate(() => done(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' })));
    const dataDir = makeTempDir('hfss-durable-eio-');
    const boot = (syncFile?: typeof failing) =>
      startTestApp({
        dataDir,
        env: { HFSS_JM_SQLITE_SYNCHRONOUS: 'full', HFSS_JM_MIN_FREE_MEMORY_MB: '1000000000' },
        configure: (builder) =>
          builder.overrideProvider(SQLITE_DATABASE).useFactory({
            inject: [APP_CONFIG, DATA_DIR_LOCK],
            factory: (config: AppConfig, _lock: DataDirLock) => openJobDatabase(config.storage.dataDir, 'full', syncFile ? { syncFile } : {}),
          }),
      });
    harness = await boot(failing);
    const api = apiClient(harness.url);
    const events = harness.app.get(EventEmitter2);
    const published: string[] = [];
    events.on(JobStateChangedEvent.name, (event: JobStateChangedEvent) => published.push(event.job.id));
    const first = await api.submit({ jobid: 'eio_1', project_path: writeProject(projects, 'eio_1.aedt') });
    expect(first.status).toBe(507);
    expect(first.body).toMatchObject({ code: 'STORAGE_FAILURE', error: expect.stringMatching(/could not be flushed to disk \(EIO\)/) });
    const second = await api.submit({ jobid: 'eio_2', project_path: writeProject(projects, 'eio_2.aedt') });
    expect(second.status).toBe(507);
    expect(second.body.error).toMatch(/accepts no change until the service is restarted; nothing was changed/);
    expect((await api.get('/jobs')).status).toBe(507);
    const health = await api.get('/health');
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({ status: 'storage_failed', accepting_jobs: false });
    expect(published).toEqual([]);
    await harness.close();
    harness = await boot();
    const restarted = apiClient(harness.url);
    expect((await restarted.get('/health')).body).toMatchObject({ status: 'ok' });
    // eio_1 was committed in SQLite before its fsync failed: whatever the disk kept is what there is; eio_2 never was.
    expect((await restarted.job('eio_2')).status).toBe(404);
    expect((await restarted.submit({ jobid: 'eio_3', project_path: writeProject(projects, 'eio_3.aedt') })).status).toBe(201);
  });

  it('should not hand a cluster job to its scheduler (no submit command) while the fsync of its new row is pending', async () => {
    const held = heldSync();
    const scheduler = new FakeClusterBackend();
    harness = await startTestApp({
      env: { HFSS_JM_SQLITE_SYNCHRONOUS: 'full', HFSS_JM_SCHEDULER_POLL_INTERVAL_MS: '60000' },
      configure: (builder) =>
        builder
          .overrideProvider(SQLITE_DATABASE)
          .useFactory({
            inject: [APP_CONFIG, DATA_DIR_LOCK],
            factory: (config: AppConfig, _lock: DataDirLock) => openJobDatabase(config.storage.dataDir, 'full', { syncFile: held.sync }),
          })
          .overrideProvider(SCHEDULER_BACKENDS)
          .useFactory({ inject: [LocalProcessBackend], factory: (local: LocalProcessBackend) => [local, scheduler] }),
    });
    const submitted = apiClient(harness.url).submit({ jobid: 'cluster_held', project_path: writeProject(projects, 'c.aedt'), scheduler_type: 'slurm' });
    submitted.catch(() => undefined);
    for (let i = 0; i < 100 && held.pending.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(held.pending.length).toBeGreaterThan(0);
    // Committed, not yet on disk: nothing was handed to the scheduler, nothing answered.
    expect(await settledWithin(submitted, 500)).toBe(false);
    expect(scheduler.submitCalls).toBe(0);
    const releasing = setInterval(() => held.release(), 5);
    try {
      const answer = await submitted;
      expect(answer.status).toBe(201);
      expect(answer.body.job).toMatchObject({ status: 'scheduled' });
      expect(scheduler.submitCalls).toBe(1);
    } finally {
      clearInterval(releasing);
    }
  });
});

describe('a solver starts only once its job is durably running (group commit)', () => {
  let harness: TestApp | undefined;
  let projects: string;
  let held: ReturnType<typeof heldSync>;
  beforeEach(() => {
    projects = makeTempDir('hfss-durable-launch-');
    held = heldSync();
  });
  afterEach(async () => {
    // Closing flushes the store: let every fsync through meanwhile.
    const releasing = setInterval(() => held.release(), 5);
    await harness?.close();
    clearInterval(releasing);
    if (harness) removeDir(harness.dataDir);
    harness = undefined;
    removeDir(projects);
  });

  it("should hold the launch while the fsync of the job's running state is pending, then start the solver", async () => {
    harness = await startTestApp({
      env: { HFSS_JM_SQLITE_SYNCHRONOUS: 'full' },
      configure: (builder) =>
        builder.overrideProvider(SQLITE_DATABASE).useFactory({
          inject: [APP_CONFIG, DATA_DIR_LOCK],
          factory: (config: AppConfig, _lock: DataDirLock) => openJobDatabase(config.storage.dataDir, 'full', { syncFile: held.sync }),
        }),
    });
    const repository = harness.app.get(JobRepository);
    const project = writeProject(projects, 'launch.aedt', { duration_ms: 200, spawn_child: false });
    const submitted = apiClient(harness.url).submit({ jobid: 'launch', project_path: project });
    submitted.catch(() => undefined);
    // Let every fsync through until the store (read in-process, never held) says running; then hold the next ones.
    await waitFor(
      () => {
        if (repository.findById('launch')?.status === JobStatus.RUNNING) return true;
        held.release();
        return undefined;
      },
      10_000,
      'the job to be committed as running',
    );
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    // Committed as running, not yet on disk: the solver has not been started.
    expect(held.pending.length).toBeGreaterThan(0);
    expect(existsSync(`${project}.runs`)).toBe(false);
    const releasing = setInterval(() => held.release(), 5);
    try {
      expect((await submitted).status).toBe(201);
      await waitFor(() => (existsSync(`${project}.runs`) ? true : undefined), 10_000, 'the solver to start once durable');
      await waitFor(() => (repository.findById('launch')?.status === JobStatus.COMPLETED ? true : undefined), 15_000, 'the solve to complete');
    } finally {
      clearInterval(releasing);
    }
  });
});

describe('acknowledged submits survive kill -9 (real service process, default synchronous=full)', () => {
  const sandbox = useServiceSandbox();

  it('should keep every submit answered 201 when the process is killed right after the last answer', async () => {
    const project = writeProject(sandbox.projects, 'p.aedt', { duration_ms: 600_000 });
    const env = { HFSS_JM_MIN_FREE_MEMORY_MB: '1000000000' };
    const service = await startServiceProcess(sandbox.dataDir, env);
    const api = apiClient(service.url);
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => api.submit({ jobid: `k_${i}`, project_path: project })));
    service.child.kill('SIGKILL');
    await service.exited;
    expect(answers.map((answer) => answer.status)).toEqual(Array.from({ length: 40 }, () => 201));

    const again = await startServiceProcess(sandbox.dataDir, env);
    const list = await apiClient(again.url).get('/jobs?limit=100');
    expect(list.body.total).toBe(40);
    expect((list.body.items as Array<{ job_id: string; status: string }>).every((job) => job.status === 'queued')).toBe(true);
  });
});
