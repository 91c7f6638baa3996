import { nextPolls } from './support/poll-window';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PbsBackend } from '../src/scheduler/backends/pbs/pbs.backend';
import { useFakeScheduler } from './support/fake-scheduler';
import { apiClient, isAlive, readRunRecords, waitFor } from './support/http';
import { makeTempDir, removeDir, startTestApp, TestApp, writeProject } from './support/test-app';

/** PBS cannot run here: test/fakes/pbs/bin holds qsub/qstat/qdel/qselect that reproduce PBS Pro's CLI and run jobs for real. */
describe('PBS backend against the fake PBS Professional CLI on PATH', () => {
  let harness: TestApp;
  let api: ReturnType<typeof apiClient>;
  let projects: string;
  const fake = useFakeScheduler('pbs', ['qsub', 'qstat', 'qdel', 'qselect']);
  const control = fake.control;
  const boot = async (dataDir?: string): Promise<void> => {
    harness = await startTestApp({
      dataDir,
      env: { HFSS_JM_SCHEDULER_POLL_INTERVAL_MS: '300', HFSS_JM_SCHEDULER_MAX_BACKOFF_MS: '600', HFSS_JM_SCHEDULER_COMMAND_TIMEOUT_MS: '2000' },
    });
    api = apiClient(harness.url);
  };

  beforeEach(async () => {
    projects = makeTempDir('hfss-pbs-projects-');
    await boot();
  });

  afterEach(async () => {
    await harness.close();
    [harness.dataDir, projects].forEach(removeDir);
  });

  const submit = (jobid: string, behaviour: Record<string, unknown>, options: Record<string, unknown> = {}) =>
    api.submit({
      jobid,
      project_path: writeProject(projects, `${jobid}.aedt`, behaviour),
      scheduler_type: 'pbs',
      scheduler_options: { time: '00:10:00', ...options },
    });

  it('should run a job through qsub to completion, and report a failing solve with its exit code', async () => {
    control({ pending_ms: 400 });
    // Not ended before the test saw it running (a late poll under load would miss a short run's whole window).
    const release = join(projects, 'pbs_ok.release');
    const submitted = await submit('pbs_ok', { duration_ms: 800, wait_for_file: release });
    expect(submitted.status).toBe(201);
    expect(submitted.body.job).toMatchObject({ status: 'scheduled', native_id: expect.stringMatching(/^\d+\.pbsserver$/) });
    await api.waitForStatus('pbs_ok', ['running'], 10_000);
    writeFileSync(release, '');
    expect(await api.waitForStatus('pbs_ok', ['completed', 'failed'], 15_000)).toMatchObject({ status: 'completed', exit_code: 0 });
    await submit('7pbs_bad', { duration_ms: 100, exit_code: 3 });
    expect(fake.spy().calls('qsub').at(-1)).toEqual(expect.arrayContaining(['-N', 'j7pbs_bad']));
    expect(await api.waitForStatus('7pbs_bad', ['completed', 'failed'], 15_000)).toMatchObject({ status: 'failed', exit_code: 3 });
  });

  it('should poll all tracked jobs with one qstat call per interval', async () => {
    for (let i = 0; i < 3; i++) await submit(`pbs_batch_${i}`, { duration_ms: 60_000 });
    await api.waitForStatus('pbs_batch_2', ['running'], 10_000);
    const ids = await Promise.all([0, 1, 2].map(async (i) => (await api.job(`pbs_batch_${i}`)).body.native_id as string));
    const { polls, elapsedMs } = await nextPolls(() => fake.spy().calls('qstat'), 3);
    expect(elapsedMs).toBeGreaterThanOrEqual(2 * 300 - 50); // no more often than the 300 ms interval
    for (const argv of polls) expect(argv).toEqual(['-x', '-f', '-F', 'json', ...ids]);
    for (let i = 0; i < 3; i++) await api.post(`/jobs/pbs_batch_${i}/cancel`);
  });

  it('should cancel running and pending jobs with qdel and kill the solver', async () => {
    await submit('pbs_cancel', { duration_ms: 60_000 });
    await api.waitForStatus('pbs_cancel', ['running'], 10_000);
    await waitFor(() => readRunRecords(`${projects}/pbs_cancel.aedt.runs`).some((r) => r.event === 'child') || undefined, 10_000, 'the solver');
    const cancelled = await api.post('/jobs/pbs_cancel/cancel');
    expect(cancelled.body.job.status).toBe('cancelled');
    expect(fake.spy().calls('qdel')).toEqual([[cancelled.body.job.native_id]]);
    const pids = readRunRecords(`${projects}/pbs_cancel.aedt.runs`).map((r) => r.pid as number);
    await waitFor(() => pids.every((pid) => !isAlive(pid)) || undefined, 10_000, 'the solver to die');
    expect((await api.post('/jobs/pbs_cancel/cancel')).body.job.status).toBe('cancelled');

    control({ pending_ms: 60_000 });
    await submit('pbs_pending', { duration_ms: 100 });
    expect((await api.post('/jobs/pbs_pending/cancel')).body.job.status).toBe('cancelled');
  });

  it('should settle a job PBS no longer remembers from the exit-code file its script wrote', async () => {
    control({ purge_after_ms: 0 });
    await submit('pbs_purged', { duration_ms: 300, exit_code: 4 });
    expect(await api.waitForStatus('pbs_purged', ['completed', 'failed'], 15_000)).toMatchObject({ status: 'failed', exit_code: 4 });
  });

  it("should answer 502 with qsub's message for an unknown queue, and when qsub is not installed", async () => {
    const rejected = await submit('pbs_rejected', {}, { queue: 'nosuch' });
    expect(rejected.status).toBe(502);
    expect(rejected.body.error).toMatch(/Unknown queue/);
    process.env.PATH = '/nonexistent';
    const missing = await submit('pbs_nopath', {});
    expect(missing.status).toBe(502);
    expect(missing.body.error).toMatch(/^qsub: command not found/);
  });

  it('should re-attach after a restart without a second qsub, and find jobs by name', async () => {
    await submit('pbs_survivor', { duration_ms: 1500 });
    await harness.close();
    await boot(harness.dataDir);
    const done = await api.waitForStatus('pbs_survivor', ['completed', 'failed'], 15_000);
    expect(done).toMatchObject({ status: 'completed', exit_code: 0 });
    expect(fake.spy().calls('qsub')).toHaveLength(1);
    const backend = harness.app.get(PbsBackend);
    expect(await backend.findByName('pbs_survivor', makeTempDir('empty-'))).toEqual({ nativeId: done.native_id, workDir: expect.any(String) });
    expect(await backend.findByName('never_submitted', makeTempDir('empty-'))).toBeNull();
  });
});
