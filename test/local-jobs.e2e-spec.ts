import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { apiClient, isAlive, readRunRecords, waitFor } from './support/http';
import { makeTempDir, removeDir, startTestApp, TestApp, writeProject } from './support/test-app';

describe('Local jobs over HTTP (real app, real SQLite, fake ansysedt)', () => {
  let harness: TestApp;
  let api: ReturnType<typeof apiClient>;
  let projects: string;

  beforeEach(async () => {
    projects = makeTempDir('hfss-projects-');
    harness = await startTestApp({ env: { HFSS_JM_MAX_CONCURRENT_JOBS: '3' } });
    api = apiClient(harness.url);
  });

  afterEach(async () => {
    await harness.close();
    removeDir(harness.dataDir);
    removeDir(projects);
  });

  it('should run a job from queued through running to completed and keep the solver log', async () => {
    const project = writeProject(projects, 'antenna.aedt', { duration_ms: 600 });
    const submitted = await api.submit({ jobid: 'antenna_001', project_path: project, design_name: 'Board', setup_name: 'Setup1' });
    expect(submitted.status).toBe(201);
    expect(submitted.body).toMatchObject({ success: true, job_id: 'antenna_001', duplicate: false });
    expect(submitted.body.job.command).toEqual(expect.arrayContaining(['-batchsolve', 'Board:Nominal:Setup1', project]));

    const running = await waitFor(
      async () => {
        const job = (await api.job('antenna_001')).body;
        return job.status === 'running' && job.native_id ? job : undefined;
      },
      10_000,
      'the solver to start',
    );
    expect(running.native_id).toMatch(/^\d+:\d+:1$/);
    const done = await api.waitForStatus('antenna_001', ['completed', 'failed']);
    expect(done).toMatchObject({ status: 'completed', exit_code: 0, error: null });
    expect(Date.parse(done.finished_at)).toBeGreaterThanOrEqual(Date.parse(done.started_at));
    expect(readFileSync(done.log_path, 'utf8')).toMatch(/Simulation completed/);

    const list = await api.get('/jobs?status=completed');
    expect(list.body.total).toBe(1);
    expect(list.body.items[0].job_id).toBe('antenna_001');
  });

  it('should record a non-zero solver exit as failed with its exit code', async () => {
    const project = writeProject(projects, 'bad.aedt', { duration_ms: 100, exit_code: 3 });
    await api.submit({ jobid: 'bad', project_path: project });
    const done = await api.waitForStatus('bad', ['completed', 'failed']);
    expect(done).toMatchObject({ status: 'failed', exit_code: 3 });
    expect(done.error).toMatch(/exited with code 3/);
  });

  it('should never run more than max_concurrent_jobs solves at once (20 jobs, limit 3)', async () => {
    const ids = Array.from({ length: 20 }, (_, i) => `burst_${i}`);
    for (const id of ids) {
      const project = writeProject(projects, `${id}.aedt`, { duration_ms: 250, spawn_child: false });
      expect((await api.submit({ jobid: id, project_path: project })).status).toBe(201);
    }
    let maxRunning = 0;
    await waitFor(
      async () => {
        const queue = (await api.get('/queue')).body;
        maxRunning = Math.max(maxRunning, queue.running);
        const completed = (await api.get('/jobs?status=completed&limit=1')).body.total;
        return completed === ids.length ? true : undefined;
      },
      60_000,
      'all 20 jobs to complete',
    );
    expect(maxRunning).toBeLessThanOrEqual(3);
    expect(maxRunning).toBeGreaterThanOrEqual(2);

    // The solvers' own start/end records prove the overlap never exceeded the limit.
    const runs = ids.flatMap((id) => readRunRecords(join(projects, `${id}.aedt.runs`)));
    const starts = runs.filter((r) => r.event === 'start');
    const ends = runs.filter((r) => r.event === 'end');
    expect(starts).toHaveLength(20);
    expect(ends).toHaveLength(20);
    const timeline = [...starts.map((r) => [r.at, 1]), ...ends.map((r) => [r.at, -1])].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let concurrent = 0;
    let peak = 0;
    for (const [, delta] of timeline) {
      concurrent += delta;
      peak = Math.max(peak, concurrent);
    }
    expect(peak).toBeLessThanOrEqual(3);
  });

  it('should cancel a running job and leave no process of its tree alive', async () => {
    const project = writeProject(projects, 'long.aedt', { duration_ms: 60_000, spawn_child: true });
    await api.submit({ jobid: 'long', project_path: project });
    await api.waitForStatus('long', ['running']);
    const records = await waitFor(
      () => {
        const lines = readRunRecords(`${project}.runs`);
        return lines.some((r) => r.event === 'child') ? lines : undefined;
      },
      10_000,
      'the fake solver to spawn its child',
    );
    const solverPid = records.find((r) => r.event === 'start')!.pid;
    const childPid = records.find((r) => r.event === 'child')!.pid;
    expect(isAlive(solverPid) && isAlive(childPid)).toBe(true);

    const cancelled = await api.post('/jobs/long/cancel');
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.job).toMatchObject({ status: 'cancelled', error: 'cancelled on request' });
    expect(isAlive(solverPid)).toBe(false);
    expect(isAlive(childPid)).toBe(false);
    const supervisorPid = Number(cancelled.body.job.native_id.split(':')[0]);
    expect(isAlive(supervisorPid)).toBe(false);

    const again = await api.post('/jobs/long/cancel');
    expect(again.status).toBe(200);
    expect(again.body.job.status).toBe('cancelled');
  });

  it('should cancel a queued job without ever starting it, and refuse to cancel a completed one', async () => {
    const blockers = ['b1', 'b2', 'b3'];
    for (const id of blockers) {
      await api.submit({ jobid: id, project_path: writeProject(projects, `${id}.aedt`, { duration_ms: 1500, spawn_child: false }) });
    }
    const waiting = writeProject(projects, 'waiting.aedt');
    await api.submit({ jobid: 'waiting', project_path: waiting });
    expect((await api.job('waiting')).body).toMatchObject({ status: 'queued', queue_position: 1 });
    expect((await api.post('/jobs/waiting/cancel')).body.job.status).toBe('cancelled');
    await api.waitForStatus('b1', ['completed']);
    expect(readRunRecords(`${waiting}.runs`)).toEqual([]);

    const conflict = await api.post('/jobs/b1/cancel');
    expect(conflict.status).toBe(409);
    expect(conflict.body).toMatchObject({ success: false, code: 'JOB_STATE_CONFLICT' });
  });

  it('should end a job that exceeds its timeout as timed_out, killing a solver that ignores SIGTERM', async () => {
    const project = writeProject(projects, 'slow.aedt', { duration_ms: 60_000, ignore_sigterm: true });
    await api.submit({ jobid: 'slow', project_path: project, timeout: 1 });
    const done = await api.waitForStatus('slow', ['timed_out', 'failed', 'completed'], 15_000);
    expect(done.status).toBe('timed_out');
    expect(done.error).toMatch(/timed out after 1 s/);
    const elapsed = Date.parse(done.finished_at) - Date.parse(done.started_at);
    expect(elapsed).toBeGreaterThanOrEqual(1000);
    expect(elapsed).toBeLessThan(1000 + harness.config.runner.killGraceMs + 2000);
    const pids = readRunRecords(`${project}.runs`)
      .filter((r) => r.pid)
      .map((r) => r.pid as number);
    expect(pids.length).toBeGreaterThan(0);
    expect(pids.filter(isAlive)).toEqual([]);
  });

  it('should start queued jobs by priority, FIFO within a priority, and re-queue on a priority change', async () => {
    await harness.close();
    harness = await startTestApp({ dataDir: harness.dataDir, env: { HFSS_JM_MAX_CONCURRENT_JOBS: '1' } });
    api = apiClient(harness.url);
    const slot = ['hold1'];
    for (const id of slot) {
      await api.submit({ jobid: id, project_path: writeProject(projects, `${id}.aedt`, { duration_ms: 1500, spawn_child: false }) });
    }
    await api.waitForStatus('hold1', ['running']);
    const queued: Array<[string, number]> = [
      ['low_a', 0],
      ['high', 10],
      ['low_b', 0],
      ['mid', 5],
      ['bumped', -5],
    ];
    for (const [id, priority] of queued) {
      await api.submit({ jobid: id, priority, project_path: writeProject(projects, `${id}.aedt`, { duration_ms: 50, spawn_child: false }) });
    }
    const bump = await api.post('/jobs/bumped/priority', { priority: 7 });
    expect(bump.status).toBe(200);
    expect(bump.body.job).toMatchObject({ priority: 7, status: 'queued', queue_position: 2 });
    expect((await api.get('/queue')).body.next.map((e: any) => e.job_id)).toEqual(['high', 'bumped', 'mid', 'low_a', 'low_b']);

    const refused = await api.post('/jobs/hold1/priority', { priority: 1 });
    expect(refused.status).toBe(409);
    expect((await api.post('/jobs/high/priority', { priority: 'x' })).status).toBe(400);

    for (const [id] of queued) {
      await api.waitForStatus(id, ['completed'], 20_000);
    }
    const startedAt = (id: string): number => readRunRecords(join(projects, `${id}.aedt.runs`)).find((r) => r.event === 'start')!.at;
    const startOrder = queued.map(([id]) => id).sort((a, b) => startedAt(a) - startedAt(b));
    expect(startOrder).toEqual(['high', 'bumped', 'mid', 'low_a', 'low_b']);
  });

  it('should run a duplicate jobid once and reject the same jobid with another configuration', async () => {
    const project = writeProject(projects, 'dup.aedt', { duration_ms: 300 });
    const config = { jobid: 'dup', project_path: project, priority: 2 };
    const responses = await Promise.all(Array.from({ length: 8 }, () => api.submit(config)));
    expect(responses.filter((r) => r.status === 201)).toHaveLength(1);
    expect(responses.filter((r) => r.status === 200 && r.body.duplicate === true)).toHaveLength(7);
    await api.waitForStatus('dup', ['completed']);
    expect((await api.submit(config)).body).toMatchObject({ duplicate: true, job: { status: 'completed' } });
    expect(readRunRecords(`${project}.runs`).filter((r) => r.event === 'start')).toHaveLength(1);

    const conflict = await api.submit({ ...config, priority: 3 });
    expect(conflict.status).toBe(409);
    expect(conflict.body).toMatchObject({ success: false, code: 'DUPLICATE_JOB_ID' });
  });

  it('should answer a resubmission of a stored jobid from the store after its project is gone, and conflict on another config', async () => {
    const project = writeProject(projects, 'gone.aedt', { duration_ms: 50, spawn_child: false });
    const config = { jobid: 'gone', project_path: project };
    expect((await api.submit(config)).status).toBe(201);
    await api.waitForStatus('gone', ['completed']);
    rmSync(project);
    // A retry of the accepted submission is a duplicate, not a missing project: the stored job is the answer.
    expect(await api.submit(config)).toMatchObject({ status: 200, body: { duplicate: true, job_id: 'gone', job: { status: 'completed' } } });
    expect((await api.submit({ ...config, priority: 4 })).body).toMatchObject({ success: false, code: 'DUPLICATE_JOB_ID' });
    // A new jobid with the same missing project is refused as before.
    expect((await api.submit({ ...config, jobid: 'gone_2' })).status).toBe(400);
    expect(readRunRecords(`${project}.runs`).filter((r) => r.event === 'start')).toHaveLength(1);
  });

  it('should store a jobid once when single and batch submissions of it, with two configurations, race', async () => {
    const project = writeProject(projects, 'race.aedt', { duration_ms: 300 });
    const configOf = (priority: number) => ({ jobid: 'race', project_path: project, priority });
    // Singles and batches of two configurations of one jobid, all in flight at once.
    const singles = Array.from({ length: 12 }, (_, i) =>
      api.submit(configOf(i % 3 === 0 ? 5 : 4)).then((answer) => ({ priority: i % 3 === 0 ? 5 : 4, answer })),
    );
    const batches = [4, 5].map((priority) => api.post('/jobs/submit-batch', { jobs: [configOf(priority)] }).then((answer) => ({ priority, answer })));
    const [singleAnswers, batchAnswers] = await Promise.all([Promise.all(singles), Promise.all(batches)]);
    const stored = (await api.job('race')).body as { config: { priority: number } };
    const winner = stored.config.priority;
    const created = singleAnswers.filter(({ answer }) => answer.status === 201).length;
    const acceptedInBatch = batchAnswers.filter(({ answer }) => answer.body.results[0].status === 'accepted').length;
    expect(created + acceptedInBatch).toBe(1);
    for (const { priority, answer } of singleAnswers) {
      if (priority === winner) expect([201, 200]).toContain(answer.status);
      else expect(answer.body).toMatchObject({ success: false, code: 'DUPLICATE_JOB_ID' });
    }
    for (const { priority, answer } of batchAnswers) {
      const [result] = answer.body.results;
      if (priority === winner) expect(['accepted', 'duplicate']).toContain(result.status);
      else expect(result).toMatchObject({ status: 'rejected', error: { code: 'DUPLICATE_JOB_ID' } });
    }
    await api.waitForStatus('race', ['completed']);
    expect(readRunRecords(`${project}.runs`).filter((r) => r.event === 'start')).toHaveLength(1);
  });
});
