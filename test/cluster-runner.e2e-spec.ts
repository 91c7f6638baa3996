import { LocalProcessBackend } from '../src/scheduler/backends/local/local-process.backend';
import { SCHEDULER_BACKENDS } from '../src/scheduler/scheduler.constants';
import { FakeClusterBackend } from './fakes/fake-cluster-backend';
import { apiClient, waitFor } from './support/http';
import { makeTempDir, removeDir, startTestApp, TestApp, writeProject } from './support/test-app';

const POLL_MS = 150;

describe('Cluster jobs through the runner (real app, in-memory scheduler swapped in through DI)', () => {
  let harness: TestApp;
  let api: ReturnType<typeof apiClient>;
  let scheduler: FakeClusterBackend;
  let projects: string;
  let project: string;

  const boot = async (dataDir?: string, env: Record<string, string> = {}): Promise<void> => {
    harness = await startTestApp({
      dataDir,
      env: { HFSS_JM_SCHEDULER_POLL_INTERVAL_MS: String(POLL_MS), HFSS_JM_SCHEDULER_MAX_BACKOFF_MS: String(POLL_MS * 8), ...env },
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

  it('should run as many submissions at once as HFSS_JM_SCHEDULER_MAX_PARALLEL_COMMANDS allows, and no more', async () => {
    await harness.close();
    removeDir(harness.dataDir);
    await boot(undefined, { HFSS_JM_SCHEDULER_MAX_PARALLEL_COMMANDS: '3' });
    scheduler.submitDelayMs = 100;
    const responses = await Promise.all(Array.from({ length: 9 }, (_, i) => submitSlurm(`parallel_${i}`)));
    expect(responses.map((response) => response.status)).toEqual(Array(9).fill(201));
    expect(scheduler.maxSubmitsInFlight).toBe(3);
  });

  it('should settle in one poll every one of 200 jobs that finished together, each once', async () => {
    for (let i = 0; i < 200; i++) await submitSlurm(`settle_${i}`);
    for (let i = 0; i < 200; i++) scheduler.set(`settle_${i}`, { status: 'completed', exitCode: 0 });
    await waitFor(async () => (await api.get('/jobs?status=completed&limit=1')).body.total === 200, 10_000, 'all 200 jobs completed');
    const events = (await api.get('/jobs/settle_199/events')).body;
    expect(events.items.filter((event: { status: string }) => event.status === 'completed')).toHaveLength(1);
  });

  it('should answer 502 with the scheduler message on a rejection and keep the job as failed', async () => {
    scheduler.nextSubmit = 'reject';
    const response = await submitSlurm('rejected');
    expect(response.status).toBe(502);
    expect(response.body).toMatchObject({ success: false, code: 'SCHEDULER_FAILURE', error: expect.stringMatching(/Invalid partition name specified/) });
    expect((await api.job('rejected')).body).toMatchObject({ status: 'failed', error: expect.stringMatching(/slurm rejected the job/) });
  });

  it('should answer 202 when the outcome is unknown, keep the job queued, and find it by name without submitting twice', async () => {
    scheduler.nextSubmit = 'lost-answer';
    const response = await submitSlurm('ambiguous');
    expect(response.status).toBe(202);
    expect(response.body.job).toMatchObject({
      status: 'queued',
      native_id: null,
      waiting_reason: expect.stringMatching(/waiting for slurm: submission outcome unknown .*Socket timed out.*looking the job up by name/),
    });
    const job = await api.waitForStatus('ambiguous', ['scheduled']);
    expect(job).toMatchObject({ native_id: '101', waiting_reason: null });
    expect(scheduler.submitCalls).toBe(1);
    expect(scheduler.jobs.size).toBe(1);
  });

  it('should submit again only after lookups by name found nothing', async () => {
    scheduler.nextSubmit = 'lost-request';
    expect((await submitSlurm('lost')).status).toBe(202);
    await api.waitForStatus('lost', ['scheduled']);
    expect(scheduler.findCalls).toBeGreaterThanOrEqual(2);
    expect(scheduler.submitCalls).toBe(2);
    expect(scheduler.jobs.size).toBe(1);
  });

  it('should keep a job the scheduler never received queued, visible in /queue, and submit it when the scheduler is back', async () => {
    scheduler.down = true;
    const response = await submitSlurm('patient_submit');
    expect(response.status).toBe(202);
    expect(response.body.job).toMatchObject({
      status: 'queued',
      waiting_reason: expect.stringMatching(
        /^waiting for slurm: scheduler unreachable \(.*Unable to contact slurm controller.*\); attempt 1 failed, next attempt in \d+ s$/,
      ),
    });
    const queue = await api.get('/queue');
    expect(queue.body.awaiting_submission).toEqual([
      expect.objectContaining({
        job_id: 'patient_submit',
        scheduler_type: 'slurm',
        reason: expect.stringMatching(/scheduler unreachable/),
        cancel_requested: false,
      }),
    ]);
    await waitFor(() => (scheduler.submitCalls >= 3 ? true : undefined), 10_000, 'two resubmissions while down');
    expect((await api.job('patient_submit')).body.waiting_reason).toMatch(/attempt [2-9] failed/);
    scheduler.down = false;
    expect(await api.waitForStatus('patient_submit', ['scheduled'], 15_000)).toMatchObject({ native_id: '101', waiting_reason: null });
    expect(scheduler.jobs.size).toBe(1);
    expect((await api.get('/queue')).body.awaiting_submission).toEqual([]);
    expect((await submitSlurm('patient_submit')).body).toMatchObject({ duplicate: true, job: { status: 'scheduled' } });
  });

  it('should cancel at once a job the scheduler never received, and never submit it again', async () => {
    scheduler.down = true;
    expect((await submitSlurm('never')).status).toBe(202);
    const cancelled = await api.post('/jobs/never/cancel');
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.job).toMatchObject({ status: 'cancelled', error: expect.stringMatching(/never submitted/) });
    const calls = scheduler.submitCalls;
    scheduler.down = false;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS * 6));
    expect(scheduler.submitCalls).toBe(calls);
    expect(scheduler.jobs.size).toBe(0);
  });

  it('should hold a cancel while the outcome is unknown, then cancel the job once found', async () => {
    scheduler.nextSubmit = 'lost-answer';
    scheduler.down = false;
    await submitSlurm('unsure');
    scheduler.down = true; // the lookup cannot answer either
    const cancel = await api.post('/jobs/unsure/cancel');
    expect(cancel.status).toBe(202);
    expect(cancel.body.job).toMatchObject({ status: 'queued', cancel_requested_at: expect.any(String) });
    scheduler.down = false;
    expect(await api.waitForStatus('unsure', ['cancelled'], 15_000)).toMatchObject({ native_id: '101' });
    expect(scheduler.jobs.get('101')!.state.status).toBe('cancelled');
    expect(scheduler.submitCalls).toBe(1);
  });

  it('should answer a cancel promptly while the scheduler is down and deliver it when it returns', async () => {
    await submitSlurm('stubborn');
    scheduler.set('stubborn', { status: 'running' });
    await api.waitForStatus('stubborn', ['running']);
    scheduler.down = true;
    const started = Date.now();
    const cancel = await api.post('/jobs/stubborn/cancel');
    expect(cancel.status).toBe(202);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(cancel.body.job).toMatchObject({ status: 'running', cancel_requested_at: expect.any(String) });
    await waitFor(() => (scheduler.cancelCalls >= 3 ? true : undefined), 10_000, 'cancel retried on later polls');
    scheduler.down = false;
    expect(await api.waitForStatus('stubborn', ['cancelled', 'failed', 'completed'], 15_000)).toMatchObject({
      status: 'cancelled',
      error: 'cancelled on request',
    });
  });

  it('should report a job that failed by itself before the cancel got through as failed with its exit code', async () => {
    await submitSlurm('selffail');
    scheduler.set('selffail', { status: 'running' });
    await api.waitForStatus('selffail', ['running']);
    scheduler.down = true;
    expect((await api.post('/jobs/selffail/cancel')).status).toBe(202);
    scheduler.set('selffail', { status: 'failed', exitCode: 3, reason: 'NonZeroExitCode' });
    scheduler.down = false;
    expect(await api.waitForStatus('selffail', ['cancelled', 'failed', 'completed'], 15_000)).toMatchObject({
      status: 'failed',
      exit_code: 3,
      error: expect.stringMatching(/NonZeroExitCode; it ended by itself before the cancel reached the scheduler/),
    });
  });

  it('should count a cancel whose answer was lost as delivered when the job then ends killed', async () => {
    await submitSlurm('lost_cancel');
    scheduler.set('lost_cancel', { status: 'running' });
    await api.waitForStatus('lost_cancel', ['running']);
    scheduler.cancelAnswerLost = true;
    await api.post('/jobs/lost_cancel/cancel');
    expect(await api.waitForStatus('lost_cancel', ['cancelled', 'failed', 'completed'], 15_000)).toMatchObject({ status: 'cancelled', exit_code: null });
  });

  it('should settle a job that ends while its cancel command is still running once that command has answered', async () => {
    await submitSlurm('slow_cancel');
    await api.waitForStatus('slow_cancel', ['scheduled']);
    // The scheduler has dropped the job (polls see it ended) before the cancel command returns: the end is the cancel's.
    scheduler.cancelAnswerDelayMs = POLL_MS * 8;
    const polls = scheduler.pollBatches.length;
    await api.post('/jobs/slow_cancel/cancel');
    expect(await api.waitForStatus('slow_cancel', ['cancelled', 'failed', 'completed'], 15_000)).toMatchObject({ status: 'cancelled', exit_code: null });
    expect(scheduler.pollBatches.length - polls).toBeGreaterThan(0); // a poll did see the ended job meanwhile
  });

  it('should look a waiting job up by name after a restart before submitting it', async () => {
    scheduler.nextSubmit = 'lost-answer';
    await submitSlurm('across_restart');
    await harness.close();
    const finds = scheduler.findCalls;
    await boot(harness.dataDir);
    expect(await api.waitForStatus('across_restart', ['scheduled'])).toMatchObject({ native_id: '101' });
    expect(scheduler.findCalls).toBeGreaterThan(finds);
    expect(scheduler.submitCalls).toBe(1);
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
