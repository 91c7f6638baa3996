import { nextPolls } from './support/poll-window';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GridEngineBackend } from '../src/scheduler/backends/grid-engine/grid-engine.backend';
import { spyOnCommands } from './support/command-spy';
import { describeWithGridEngine } from './support/grid-engine-available';
import { apiClient, isAlive, readRunRecords, waitFor } from './support/http';
import { makeTempDir, removeDir, startTestApp, TestApp, writeProject } from './support/test-app';

describeWithGridEngine('Grid Engine backend against a real single-host install (sge_qmaster + sge_execd)', () => {
  let harness: TestApp;
  let api: ReturnType<typeof apiClient>;
  let projects: string;
  let spy: ReturnType<typeof spyOnCommands>;

  const boot = async (dataDir?: string): Promise<void> => {
    harness = await startTestApp({ dataDir, env: { HFSS_JM_SCHEDULER_POLL_INTERVAL_MS: '400', HFSS_JM_SCHEDULER_COMMAND_TIMEOUT_MS: '20000' } });
    api = apiClient(harness.url);
  };

  beforeEach(async () => {
    spy = spyOnCommands(['qsub', 'qstat', 'qdel']);
    projects = makeTempDir('hfss-sge-projects-');
    await boot();
  });

  afterEach(async () => {
    await harness.close();
    spy.restore();
    removeDir(harness.dataDir);
    removeDir(projects);
  });

  const submit = (jobid: string, behaviour: Record<string, unknown>, options: Record<string, unknown> = {}) =>
    api.submit({
      jobid,
      project_path: writeProject(projects, `${jobid}.aedt`, behaviour),
      scheduler_type: 'grid_engine',
      scheduler_options: { time: '00:10:00', ...options },
    });
  const workDirOf = (job: { log_path: string }): string => job.log_path.replace(/\/solver\.log$/, '');

  it('should run a job through qsub to completion and record its exit code', async () => {
    // Not ended before the test saw it running (a late poll under load would miss a short run's whole window).
    const release = join(projects, 'sge_ok.release');
    const submitted = await submit('sge_ok', { duration_ms: 1500, wait_for_file: release });
    expect(submitted.status).toBe(201);
    expect(submitted.body.job).toMatchObject({ status: 'scheduled', native_id: expect.stringMatching(/^\d+$/) });
    expect(spy.calls('qsub')[0]).toEqual(expect.arrayContaining(['-terse', '-N', 'sge_ok']));
    await api.waitForStatus('sge_ok', ['running'], 20_000);
    writeFileSync(release, '');
    const done = await api.waitForStatus('sge_ok', ['completed', 'failed'], 30_000);
    expect(done).toMatchObject({ status: 'completed', exit_code: 0 });
    expect(readFileSync(done.log_path, 'utf8')).toMatch(/Simulation completed/);
    expect(readFileSync(`${workDirOf(done)}/native_id`, 'utf8').trim()).toBe(done.native_id);
  });

  it('should report a failing solve as failed with the solver exit code', async () => {
    await submit('sge_bad', { duration_ms: 300, exit_code: 3 });
    const done = await api.waitForStatus('sge_bad', ['completed', 'failed'], 30_000);
    expect(done).toMatchObject({ status: 'failed', exit_code: 3 });
  });

  it('should poll all tracked jobs with one qstat call per interval', async () => {
    for (let i = 0; i < 3; i++) {
      await submit(`sge_batch_${i}`, { duration_ms: 60_000 });
    }
    await api.waitForStatus('sge_batch_0', ['running'], 20_000);
    const before = spy.calls('qstat').length;
    const { elapsedMs } = await nextPolls(() => spy.calls('qstat').filter((argv) => argv[0] === '-xml'), 3);
    expect(elapsedMs).toBeGreaterThanOrEqual(2 * 400 - 50); // no more often than the 400 ms interval
    const nativeIds = await Promise.all([0, 1, 2].map(async (i) => (await api.job(`sge_batch_${i}`)).body.native_id as string));
    for (const argv of spy.calls('qstat').slice(before)) {
      // The status query lists the service user's jobs only (never -u '*'); the one auxiliary query, `qstat -j`,
      // asks why tracked jobs that have not started yet wait, and only those.
      if (argv[0] === '-xml') expect(argv).toEqual(['-xml']);
      else expect(argv[0] === '-j' && argv.length === 2 && argv[1].split(',').every((id) => nativeIds.includes(id))).toBe(true);
    }
    for (let i = 0; i < 3; i++) {
      await api.post(`/jobs/sge_batch_${i}/cancel`);
    }
  });

  it('should cancel a running job with qdel, confirm it, and kill the solver', async () => {
    await submit('sge_cancel', { duration_ms: 60_000 });
    await api.waitForStatus('sge_cancel', ['running'], 20_000);
    await waitFor(() => readRunRecords(`${projects}/sge_cancel.aedt.runs`).some((r) => r.event === 'child') || undefined, 10_000, 'the solver to start');
    const cancelled = await api.post('/jobs/sge_cancel/cancel');
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.job.status).toBe('cancelled');
    expect(spy.calls('qdel')).toEqual([[cancelled.body.job.native_id]]);
    const pids = readRunRecords(`${projects}/sge_cancel.aedt.runs`).map((r) => r.pid as number);
    await waitFor(() => pids.every((pid) => !isAlive(pid)) || undefined, 10_000, 'Grid Engine to kill the solver');
    expect((await api.post('/jobs/sge_cancel/cancel')).body.job.status).toBe('cancelled');
  });

  it('should cancel a job that is still pending, although Grid Engine keeps no record of it', async () => {
    const submitted = await submit('sge_held', { duration_ms: 200 }, { extra_directives: ['-h'] });
    expect(submitted.status).toBe(201);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect((await api.job('sge_held')).body.status).toBe('scheduled');
    const cancelled = await api.post('/jobs/sge_held/cancel');
    expect(cancelled.body.job).toMatchObject({ status: 'cancelled' });
    expect(execFileSync('qstat', ['-xml']).toString()).not.toContain(`<JB_job_number>${submitted.body.job.native_id}<`);
  });

  it('should settle a job deleted outside the job manager from the accounting file', async () => {
    await submit('sge_external_qdel', { duration_ms: 60_000 });
    const running = await api.waitForStatus('sge_external_qdel', ['running'], 20_000);
    execFileSync('qdel', [running.native_id]);
    const done = await api.waitForStatus('sge_external_qdel', ['cancelled', 'failed', 'completed'], 30_000);
    expect(done).toMatchObject({ status: 'cancelled', exit_code: null, error: expect.stringMatching(/killed by signal 9/) });
  });

  it("should answer 502 with qsub's own message when Grid Engine rejects the job", async () => {
    const rejected = await submit('sge_rejected', {}, { queue: 'nosuch.q' });
    expect(rejected.status).toBe(502);
    expect(rejected.body.error).toMatch(/unknown queue "nosuch\.q"/);
    expect((await api.job('sge_rejected')).body.status).toBe('failed');
  });

  it('should re-attach to a Grid Engine job after a restart and never submit it again', async () => {
    await submit('sge_survivor', { duration_ms: 3000 });
    await harness.close();
    await boot(harness.dataDir);
    const done = await api.waitForStatus('sge_survivor', ['completed', 'failed'], 30_000);
    expect(done).toMatchObject({ status: 'completed', exit_code: 0 });
    expect(spy.calls('qsub')).toHaveLength(1);
  });

  it('should find a lost submission by its Grid Engine name, then by the job number its script recorded', async () => {
    // Not ended before the test saw it running (a late poll under load would miss a short run's whole window).
    const release = join(projects, '7sge_found.release');
    await submit('7sge_found', { duration_ms: 2500, wait_for_file: release });
    const running = await api.waitForStatus('7sge_found', ['running'], 20_000);
    const backend = harness.app.get(GridEngineBackend);
    expect(await backend.findByName('7sge_found', makeTempDir('empty-'))).toEqual({ nativeId: running.native_id, workDir: expect.any(String) });
    writeFileSync(release, '');
    const done = await api.waitForStatus('7sge_found', ['completed'], 30_000);
    expect(await backend.findByName('7sge_found', workDirOf(done))).toEqual({ nativeId: done.native_id, workDir: workDirOf(done) });
    expect(await backend.findByName('never_submitted', makeTempDir('empty-'))).toBeNull();
  });

  it('should say "qsub: command not found" when the Grid Engine client is not on PATH', async () => {
    const saved = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      const response = await submit('sge_nopath', {});
      expect(response.status).toBe(502);
      expect(response.body.error).toMatch(/^qsub: command not found\. Install the scheduler client or put it on PATH/);
    } finally {
      process.env.PATH = saved;
    }
  });
});
