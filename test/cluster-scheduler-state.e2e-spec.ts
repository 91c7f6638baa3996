import { EventEmitter2 } from '@nestjs/event-emitter';
import { JobStateChangedEvent } from '../src/jobs/events/job-state-changed.event';
import { LocalProcessBackend } from '../src/scheduler/backends/local/local-process.backend';
import { SCHEDULER_BACKENDS } from '../src/scheduler/scheduler.constants';
import { FakeClusterBackend } from './fakes/fake-cluster-backend';
import { apiClient, waitFor } from './support/http';
import { makeTempDir, removeDir, startTestApp, TestApp, writeProject } from './support/test-app';

const POLL_MS = 100;

describe('What the scheduler knows reaches the job view (real app, in-memory scheduler)', () => {
  let harness: TestApp;
  let api: ReturnType<typeof apiClient>;
  let scheduler: FakeClusterBackend;
  let projects: string;
  let changes: JobStateChangedEvent[];

  beforeEach(async () => {
    scheduler = new FakeClusterBackend();
    projects = makeTempDir('hfss-projects-');
    harness = await startTestApp({
      env: { HFSS_JM_SCHEDULER_POLL_INTERVAL_MS: String(POLL_MS) },
      configure: (builder) =>
        builder.overrideProvider(SCHEDULER_BACKENDS).useFactory({
          inject: [LocalProcessBackend],
          factory: (local: LocalProcessBackend) => [local, scheduler],
        }),
    });
    api = apiClient(harness.url);
    changes = [];
    harness.app.get(EventEmitter2).on(JobStateChangedEvent.name, (event: JobStateChangedEvent) => changes.push(event));
  });

  afterEach(async () => {
    await harness.close();
    removeDir(harness.dataDir);
    removeDir(projects);
  });

  const submit = (jobid: string) =>
    api.submit({
      jobid,
      project_path: writeProject(projects, `${jobid}.aedt`),
      scheduler_type: 'slurm',
    });
  const updatesOf = (jobid: string) => changes.filter((event) => event.job.id === jobid && event.previousStatus === event.job.status);
  const pollsAfter = async (count: number): Promise<void> => {
    const target = scheduler.pollBatches.length + count;
    await waitFor(() => scheduler.pollBatches.length >= target || undefined, 10_000, `${count} polls`);
  };

  it("should show the scheduler's state and reason, refreshed each poll, with one job_updated per change only", async () => {
    await submit('held');
    scheduler.set('held', {
      status: 'pending',
      nativeState: 'PENDING',
      nativeReason: 'JobHeldAdmin',
    });
    await waitFor(async () => ((await api.job('held')).body.scheduler_reason === 'JobHeldAdmin' ? true : undefined), 10_000, 'the hold reason');
    await pollsAfter(5);
    expect((await api.job('held')).body).toMatchObject({
      status: 'scheduled',
      scheduler_state: 'PENDING',
      scheduler_reason: 'JobHeldAdmin',
      run: 1,
    });
    expect(updatesOf('held')).toHaveLength(1);
    scheduler.set('held', {
      status: 'pending',
      nativeState: 'PENDING',
      nativeReason: 'Priority',
    });
    await waitFor(async () => ((await api.job('held')).body.scheduler_reason === 'Priority' ? true : undefined), 10_000, 'the new reason');
    scheduler.set('held', { status: 'running', nativeState: 'SUSPENDED' });
    const suspended = await api.waitForStatus('held', ['running']);
    expect(suspended).toMatchObject({
      scheduler_state: 'SUSPENDED',
      scheduler_reason: null,
    });
    await pollsAfter(3);
    expect(updatesOf('held')).toHaveLength(2);
  });

  it("should return a requeued job to scheduled as its next run, then take the new run's start time", async () => {
    await submit('rq');
    scheduler.set('rq', {
      status: 'running',
      nativeState: 'RUNNING',
      startedAt: Date.parse('2026-12-01T10:00:00Z'),
    });
    expect(await api.waitForStatus('rq', ['running'])).toMatchObject({
      run: 1,
      started_at: '2026-12-01T10:00:00.000Z',
    });
    scheduler.set('rq', {
      status: 'pending',
      nativeState: 'PENDING',
      nativeReason: 'BeginTime',
    });
    expect(await api.waitForStatus('rq', ['scheduled'])).toMatchObject({
      run: 2,
      started_at: null,
      scheduler_reason: 'BeginTime',
    });
    scheduler.set('rq', {
      status: 'running',
      nativeState: 'RUNNING',
      startedAt: Date.parse('2026-12-01T10:05:00Z'),
      run: 2,
    });
    expect(await api.waitForStatus('rq', ['running'])).toMatchObject({
      run: 2,
      started_at: '2026-12-01T10:05:00.000Z',
    });
    scheduler.set('rq', {
      status: 'completed',
      exitCode: 0,
      nativeState: 'COMPLETED',
      run: 2,
    });
    expect(await api.waitForStatus('rq', ['completed'])).toMatchObject({
      run: 2,
      exit_code: 0,
      started_at: '2026-12-01T10:05:00.000Z',
    });
    expect(scheduler.submitCalls).toBe(1);
  });

  it('should count a requeue seen only through the run number (requeued and restarted between two polls)', async () => {
    await submit('fast');
    scheduler.set('fast', {
      status: 'running',
      nativeState: 'RUNNING',
      startedAt: Date.parse('2026-12-01T10:00:00Z'),
      run: 1,
    });
    await api.waitForStatus('fast', ['running']);
    scheduler.set('fast', {
      status: 'running',
      nativeState: 'RUNNING',
      startedAt: Date.parse('2026-12-01T10:09:00Z'),
      run: 2,
    });
    await waitFor(async () => ((await api.job('fast')).body.run === 2 ? true : undefined), 10_000, 'run 2');
    expect((await api.job('fast')).body).toMatchObject({
      status: 'running',
      started_at: '2026-12-01T10:09:00.000Z',
    });
  });

  it('should give a job that ran between two polls the start time the scheduler (or its script) recorded', async () => {
    await submit('short');
    scheduler.set('short', {
      status: 'completed',
      exitCode: 0,
      startedAt: Date.parse('2026-12-01T10:00:00Z'),
      finishedAt: Date.parse('2026-12-01T10:00:02Z'),
    });
    expect(await api.waitForStatus('short', ['completed'])).toMatchObject({
      started_at: '2026-12-01T10:00:00.000Z',
      finished_at: '2026-12-01T10:00:02.000Z',
    });
  });

  it.each([
    [
      'a node failure',
      {
        status: 'failed' as const,
        exitCode: null,
        reason: 'node failure (NODE_FAIL): SLURM ended the job and did not requeue it',
        nativeState: 'NODE_FAIL',
      },
      'failed',
    ],
    [
      'a cancel outside the service, even when the scheduler says exit 0',
      {
        status: 'cancelled' as const,
        exitCode: 0,
        reason: 'cancelled in SLURM (scancel)',
        nativeState: 'CANCELLED',
      },
      'cancelled',
    ],
    [
      'a time limit',
      {
        status: 'timed_out' as const,
        exitCode: 0,
        reason: 'time limit reached (TIMEOUT): SLURM killed the job',
        nativeState: 'TIMEOUT',
      },
      'timed_out',
    ],
  ])("should report %s with a null exit code and the scheduler's reason", async (_what, state, status) => {
    await submit('ended');
    scheduler.set('ended', state);
    const done = await api.waitForStatus('ended', [status]);
    expect(done).toMatchObject({
      status,
      exit_code: null,
      error: state.reason,
      scheduler_state: state.nativeState,
    });
  });
});
