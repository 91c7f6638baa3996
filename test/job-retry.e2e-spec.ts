import { writeFileSync } from 'node:fs';
import { readRunRecords, apiClient, waitFor } from './support/http';
import { makeTempDir, removeDir, startTestApp, TestApp, writeProject } from './support/test-app';

describe('POST /jobs/{id}/retry: a new attempt under the same jobid', () => {
  let harness: TestApp;
  let api: ReturnType<typeof apiClient>;
  let projects: string;

  beforeAll(async () => {
    harness = await startTestApp();
    api = apiClient(harness.url);
    projects = makeTempDir('job-retry-');
  });
  afterAll(async () => {
    await harness.close();
    removeDir(harness.dataDir);
    removeDir(projects);
  });

  const TERMINAL = ['completed', 'failed', 'cancelled', 'timed_out'];
  /** Rewrites the fake project in place (same inode: the launch re-check still accepts it) to steer the next run. */
  const steer = (path: string, behaviour: Record<string, unknown>) =>
    writeFileSync(path, JSON.stringify({ duration_ms: 100, spawn_child: false, ...behaviour }));

  it('should keep the failed attempt (exit code, error, log, times) and run attempt 2 once', async () => {
    const project = writeProject(projects, 'retry_1.aedt', { duration_ms: 100, spawn_child: false, exit_code: 7 });
    const body = { jobid: 'retry_1', project_path: project };
    expect((await api.submit(body)).status).toBe(201);
    const first = await api.waitForStatus('retry_1', TERMINAL);
    expect(first).toMatchObject({ status: 'failed', exit_code: 7 });

    const duplicate = await api.submit(body);
    expect(duplicate).toMatchObject({ status: 200, body: { duplicate: true, message: expect.stringContaining('POST /jobs/retry_1/retry') } });

    steer(project, { exit_code: 0 });
    const retried = await api.post('/jobs/retry_1/retry');
    expect(retried).toMatchObject({
      status: 200,
      body: { success: true, job_id: 'retry_1', attempt: 2, job: { status: 'queued', exit_code: null, error: null } },
    });
    const second = await api.waitForStatus('retry_1', TERMINAL);
    expect(second).toMatchObject({ status: 'completed', exit_code: 0 });

    const attempts = (await api.get('/jobs/retry_1/attempts')).body;
    expect(attempts).toMatchObject({ job_id: 'retry_1', current_attempt: 2 });
    expect(attempts.items).toEqual([
      expect.objectContaining({ attempt: 1, status: 'failed', exit_code: 7, error: first.error, started_at: first.started_at, finished_at: first.finished_at }),
      expect.objectContaining({ attempt: 2, status: 'completed', exit_code: 0, retried_at: null }),
    ]);
    const oldLog = await fetch(`${harness.url}/jobs/retry_1/log?attempt=1`);
    expect(oldLog.headers.get('x-log-attempt')).toBe('1');
    expect(await oldLog.text()).toContain('Simulation failed with exit code 7');
    const newLog = await fetch(`${harness.url}/jobs/retry_1/log`);
    expect(newLog.headers.get('x-log-attempt')).toBe('2');
    const newText = await newLog.text();
    expect(newText).toContain('Simulation completed');
    expect(newText).not.toContain('exit code 7');
    expect((await api.get('/jobs/retry_1/log?attempt=3')).body).toMatchObject({ success: false, code: 'VALIDATION_FAILED' });

    const starts = readRunRecords(`${project}.runs`).filter((entry) => entry.event === 'start');
    expect(starts).toHaveLength(2);
    const events = (await api.get('/jobs/retry_1/events')).body.items.map((event: { detail: string }) => event.detail);
    expect(events).toContain('retry: attempt 2 queued (attempt 1 failed with exit code 7)');
  });

  it('should refuse completed, running and unknown jobs, and let exactly one of two concurrent retries through', async () => {
    expect((await api.post('/jobs/retry_1/retry')).body).toMatchObject({ success: false, code: 'JOB_STATE_CONFLICT' });
    expect((await api.post('/jobs/nope/retry')).status).toBe(404);

    const project = writeProject(projects, 'retry_2.aedt', { duration_ms: 60_000, progress_steps: 60, spawn_child: false });
    await api.submit({ jobid: 'retry_2', project_path: project });
    await api.waitForStatus('retry_2', ['running']);
    // Cancelled once the solver really runs (a cancel before that ends the attempt without a solver start).
    await waitFor(() => readRunRecords(`${project}.runs`).some((entry) => entry.event === 'start'), 20_000, 'the first solver start');
    expect((await api.post('/jobs/retry_2/retry')).body).toMatchObject({ success: false, code: 'JOB_STATE_CONFLICT' });
    await api.post('/jobs/retry_2/cancel');
    expect((await api.waitForStatus('retry_2', TERMINAL)).status).toBe('cancelled');

    steer(project, { duration_ms: 100 });
    const answers = await Promise.all([api.post('/jobs/retry_2/retry'), api.post('/jobs/retry_2/retry'), api.post('/jobs/retry_2/retry')]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 409, 409]);
    expect((await api.waitForStatus('retry_2', ['completed', 'failed'])).status).toBe('completed');
    expect((await api.get('/jobs/retry_2/attempts')).body.items.map((item: { status: string }) => item.status)).toEqual(['cancelled', 'completed']);
    await waitFor(() => readRunRecords(`${project}.runs`).filter((entry) => entry.event === 'end').length === 1, 10_000, 'the second run to end');
    expect(readRunRecords(`${project}.runs`).filter((entry) => entry.event === 'start')).toHaveLength(2);
  }, 90_000);

  it('should retry a timed-out job and delete its attempts with it', async () => {
    const project = writeProject(projects, 'retry_3.aedt', { duration_ms: 60_000, progress_steps: 60, spawn_child: false });
    await api.submit({ jobid: 'retry_3', project_path: project, timeout: 4 });
    expect((await api.waitForStatus('retry_3', TERMINAL, 30_000)).status).toBe('timed_out');
    steer(project, { duration_ms: 100 });
    expect((await api.post('/jobs/retry_3/retry')).status).toBe(200);
    expect((await api.waitForStatus('retry_3', TERMINAL)).status).toBe('completed');
    expect((await api.delete('/jobs/retry_3')).status).toBe(200);
    expect((await api.submit({ jobid: 'retry_3', project_path: project })).status).toBe(201);
    expect((await api.get('/jobs/retry_3/attempts')).body.current_attempt).toBe(1);
  }, 90_000);

  it('should retry automatically only for listed exit codes, up to max_attempts, and never a solver exit code by default', async () => {
    const listed = writeProject(projects, 'auto_1.aedt', { duration_ms: 100, spawn_child: false, exit_code: 7 });
    await api.submit({ jobid: 'auto_1', project_path: listed, retry: { max_attempts: 3, on_exit_codes: [7] } });
    await waitFor(
      async () => (await api.get('/jobs/auto_1/attempts')).body.items.length === 3 && (await api.job('auto_1')).body.status === 'failed',
      60_000,
      'three attempts',
    );
    const attempts = (await api.get('/jobs/auto_1/attempts')).body.items;
    expect(attempts.map((item: { exit_code: number }) => item.exit_code)).toEqual([7, 7, 7]);
    expect(readRunRecords(`${listed}.runs`).filter((entry) => entry.event === 'start')).toHaveLength(3);
    const events = (await api.get('/jobs/auto_1/events')).body.items.map((event: { detail: string }) => event.detail);
    expect(events).toContain('automatic retry 2 of 3: attempt 2 queued (attempt 1 failed with exit code 7)');

    const unlisted = writeProject(projects, 'auto_2.aedt', { duration_ms: 100, spawn_child: false, exit_code: 8 });
    await api.submit({ jobid: 'auto_2', project_path: unlisted, retry: { max_attempts: 3, on_exit_codes: [7] } });
    expect((await api.waitForStatus('auto_2', TERMINAL)).exit_code).toBe(8);
    // An automatic retry would be queued right after the failure was recorded: the job stays on attempt 1.
    expect((await api.get('/jobs/auto_2/attempts')).body.current_attempt).toBe(1);
    expect((await api.job('auto_2')).body.status).toBe('failed');
    expect(readRunRecords(`${unlisted}.runs`).filter((entry) => entry.event === 'start')).toHaveLength(1);

    expect((await api.submit({ jobid: 'auto_3', project_path: unlisted, retry: { max_attempts: 11 } })).body).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect((await api.submit({ jobid: 'auto_4', project_path: unlisted, retry: { max_attempts: null } })).body).toMatchObject({
      error: expect.stringContaining('must not be null'),
    });
  }, 90_000);
});
