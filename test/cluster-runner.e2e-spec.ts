import { LocalProcessBackend } from '../src/scheduler/backends/local/local-process.backend';
import { SCHEDULER_BACKENDS } from '../src/scheduler/scheduler.constants';
import { FakeClusterBackend } from './fakes/fake-cluster-backend';
import { apiClient } from './support/http';
import { makeTempDir, removeDir, startTestApp, TestApp, writeProject } from './support/test-app';

const POLL_MS = 150;

describe('Cluster jobs through the runner (real app, in-memory scheduler swapped in through DI)', () => {
  let harness: TestApp;
  let api: ReturnType<typeof apiClient>;
  let scheduler: FakeClusterBackend;
  let projects: string;
  let project: string;

  const boot = async (dataDir?: string): Promise<void> => {
    harness = await startTestApp({
      dataDir,
      env: { HFSS_JM_SCHEDULER_POLL_INTERVAL_MS: String(POLL_MS), HFSS_JM_SCHEDULER_MAX_BACKOFF_MS: String(POLL_MS * 8) },
      configure: (builder) =>
        builder.overrideProvider(SCHEDULER_BACKENDS).useFactory({ inject: [LocalProcessBackend], factory: (local: LocalProcessBackend) => [local, scheduler] }),
    });
    api = apiClient(harness.url);
  };

  beforeEach(async () => {
    scheduler = new FakeClusterBackend();
    projects = makeTempDir('hfss-projects-');
    project = writeProject(projects, 'cluster.aedt');
    await boot();
  });

  afterEach(async () => {
    await harness.close();
    removeDir(harness.dataDir);
    removeDir(projects);
  });

  const submitSlurm = (jobid: string) =>
    api.submit({ jobid, project_path: project, scheduler_type: 'slurm', scheduler_options: { nodes: 2, cores_per_node: 8 } });

  it('should follow a job from scheduled to running to its final exit code', async () => {
    const submitted = await submitSlurm('c1');
    expect(submitted.status).toBe(201);
    expect(submitted.body.job).toMatchObject({ status: 'scheduled', native_id: '101' });
    expect(submitted.body.job.command).toEqual(expect.arrayContaining(['-machinelist', 'numcores=16']));
    scheduler.set('c1', { status: 'running' });
    await api.waitForStatus('c1', ['running']);
    scheduler.set('c1', { status: 'failed', exitCode: 3, reason: 'NonZeroExitCode' });
    const done = await api.waitForStatus('c1', ['failed', 'completed']);
    expect(done).toMatchObject({ status: 'failed', exit_code: 3, error: 'NonZeroExitCode' });
  });

  it('should ask the scheduler once per poll interval for all tracked jobs, never once per job', async () => {
    for (let i = 0; i < 30; i++) {
      await submitSlurm(`batch_${i}`);
    }
    const before = scheduler.pollBatches.length;
    const started = Date.now();
    await new Promise((resolve) => setTimeout(resolve, POLL_MS * 6));
    const polls = scheduler.pollBatches.slice(before);
    const intervals = (Date.now() - started) / POLL_MS;
    expect(polls.length).toBeGreaterThanOrEqual(3);
    expect(polls.length).toBeLessThanOrEqual(Math.ceil(intervals) + 1);
    expect(polls.every((batch) => batch.length === 30)).toBe(true);
  });

  it('should answer 502 with the scheduler message on a rejection and keep the job as failed', async () => {
    scheduler.nextSubmit = 'reject';
    const response = await submitSlurm('rejected');
    expect(response.status).toBe(502);
    expect(response.body).toMatchObject({ success: false, code: 'SCHEDULER_FAILURE', error: expect.stringMatching(/Invalid partition name specified/) });
    expect((await api.job('rejected')).body).toMatchObject({ status: 'failed', error: expect.stringMatching(/slurm rejected the job/) });
  });

  it('should settle a submission whose answer was lost by finding the job by name, without submitting twice', async () => {
    scheduler.nextSubmit = 'lost-answer';
    const response = await submitSlurm('ambiguous');
    expect(response.status).toBe(504);
    expect((await api.job('ambiguous')).body.status).toBe('queued');
    const job = await api.waitForStatus('ambiguous', ['scheduled']);
    expect(job.native_id).toBe('101');
    expect(scheduler.submitCalls).toBe(1);
    expect(scheduler.jobs.size).toBe(1);
  });

  it('should submit again only after lookups by name found nothing', async () => {
    scheduler.nextSubmit = 'lost-request';
    expect((await submitSlurm('lost')).status).toBe(504);
    await api.waitForStatus('lost', ['scheduled']);
    expect(scheduler.findCalls).toBeGreaterThanOrEqual(2);
    expect(scheduler.submitCalls).toBe(2);
    expect(scheduler.jobs.size).toBe(1);
  });

  it('should keep job states while the scheduler is down, back off, and catch up when it returns', async () => {
    await submitSlurm('patient');
    scheduler.set('patient', { status: 'running' });
    await api.waitForStatus('patient', ['running']);
    scheduler.down = true;
    scheduler.set('patient', { status: 'completed', exitCode: 0 });
    const before = scheduler.pollBatches.length;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS * 12));
    expect((await api.job('patient')).body.status).toBe('running');
    // Healthy polling would have made ~12 calls; back-off (150, 300, 600, 1200 ms …) makes far fewer.
    expect(scheduler.pollBatches.length - before).toBeLessThanOrEqual(5);
    scheduler.down = false;
    expect(await api.waitForStatus('patient', ['completed'], 10_000)).toMatchObject({ exit_code: 0 });
  });

  it('should cancel through the scheduler and report the confirmed state', async () => {
    await submitSlurm('stopme');
    const cancelled = await api.post('/jobs/stopme/cancel');
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.job).toMatchObject({ status: 'cancelled' });
    expect(scheduler.jobs.get('101')!.state.status).toBe('cancelled');
    expect((await api.post('/jobs/stopme/priority', { priority: 3 })).status).toBe(409);
  });

  it('should re-attach to cluster jobs after a restart and never resubmit them', async () => {
    await submitSlurm('survives');
    await harness.close();
    scheduler.set('survives', { status: 'running' });
    await boot(harness.dataDir);
    await api.waitForStatus('survives', ['running']);
    scheduler.set('survives', { status: 'completed', exitCode: 0 });
    await api.waitForStatus('survives', ['completed']);
    expect(scheduler.submitCalls).toBe(1);
  });
});
