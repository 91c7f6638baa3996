import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { apiClient, isAlive, readRunRecords, waitFor } from './support/http';
import { startServiceProcess, useServiceSandbox } from './support/service-process';
import { writeProject } from './support/test-app';

describe('Restart and crash recovery (the built service as a real process)', () => {
  const sandbox = useServiceSandbox();

  it('should show every job as it was after a graceful restart on the same data dir', async () => {
    const first = await startServiceProcess(sandbox.dataDir, { HFSS_JM_MAX_CONCURRENT_JOBS: '1' });
    const api = apiClient(first.url);
    await api.submit({ jobid: 'done_ok', project_path: writeProject(sandbox.projects, 'ok.aedt', { duration_ms: 50 }) });
    await api.submit({ jobid: 'done_bad', project_path: writeProject(sandbox.projects, 'bad.aedt', { duration_ms: 50, exit_code: 4 }) });
    await api.waitForStatus('done_bad', ['failed']);
    await api.submit({ jobid: 'cancelled', project_path: writeProject(sandbox.projects, 'c.aedt', { duration_ms: 5000 }) });
    await api.waitForStatus('cancelled', ['running']);
    await api.submit({ jobid: 'queued_hi', priority: 9, project_path: writeProject(sandbox.projects, 'q1.aedt', { duration_ms: 50 }) });
    await api.submit({ jobid: 'queued_lo', priority: 1, project_path: writeProject(sandbox.projects, 'q2.aedt', { duration_ms: 50 }) });
    // The waiting job first: cancelling the running one frees the only slot, and queued_hi (the higher priority)
    // could start and finish its 50 ms solve before a cancel sent after that one reached it.
    expect((await api.post('/jobs/queued_hi/cancel')).body.job).toMatchObject({ status: 'cancelled' });
    await api.post('/jobs/cancelled/cancel');
    const before = (await api.get('/jobs?limit=500')).body;
    first.child.kill('SIGTERM');
    expect([0, 'SIGTERM']).toContain(await first.exited);

    const second = await startServiceProcess(sandbox.dataDir, { HFSS_JM_MAX_CONCURRENT_JOBS: '1' });
    const after = apiClient(second.url);
    const restored = (await after.get('/jobs?limit=500')).body;
    expect(restored.total).toBe(before.total);
    const byId = Object.fromEntries(restored.items.map((j: any) => [j.job_id, j]));
    expect(byId.done_ok).toMatchObject({ status: 'completed', exit_code: 0 });
    expect(byId.done_bad).toMatchObject({ status: 'failed', exit_code: 4 });
    expect(byId.cancelled).toMatchObject({ status: 'cancelled' });
    expect(byId.queued_hi).toMatchObject({ status: 'cancelled' });
    await after.waitForStatus('queued_lo', ['completed']);
    second.child.kill('SIGTERM');
    await second.exited;
  });

  it('should re-attach to a solve that survived kill -9 of the service and never run it twice', async () => {
    const first = await startServiceProcess(sandbox.dataDir, { HFSS_JM_MAX_CONCURRENT_JOBS: '1' });
    const api = apiClient(first.url);
    // The survivor runs until the test lets it end, so a slow restart cannot outlast it.
    const release = join(sandbox.projects, 'survivor.release');
    const longProject = writeProject(sandbox.projects, 'survivor.aedt', { duration_ms: 500, wait_for_file: release });
    const shortProject = writeProject(sandbox.projects, 'finishes-while-down.aedt', { duration_ms: 400 });
    const queuedProject = writeProject(sandbox.projects, 'queued.aedt', { duration_ms: 50 });
    await api.submit({ jobid: 'survivor', project_path: longProject });
    await api.submit({ jobid: 'queued', project_path: queuedProject });
    const running = await waitFor(
      async () => {
        const job = (await api.job('survivor')).body;
        return job.status === 'running' && job.native_id ? job : undefined;
      },
      10_000,
      'the solver to start',
    );
    await waitFor(() => readRunRecords(`${longProject}.runs`).length > 0 || undefined, 5000, 'the solver to start');
    first.child.kill('SIGKILL');
    await first.exited;
    const supervisorPid = Number(running.native_id.split(':')[0]);
    expect(isAlive(supervisorPid)).toBe(true);

    const second = await startServiceProcess(sandbox.dataDir, { HFSS_JM_MAX_CONCURRENT_JOBS: '1' });
    const after = apiClient(second.url);
    expect((await after.job('survivor')).body.status).toBe('running');
    writeFileSync(release, '');
    const done = await after.waitForStatus('survivor', ['completed', 'failed']);
    expect(done).toMatchObject({ status: 'completed', exit_code: 0, native_id: running.native_id });
    await after.waitForStatus('queued', ['completed']);
    expect(readRunRecords(`${longProject}.runs`).filter((r) => r.event === 'start')).toHaveLength(1);
    expect(readRunRecords(`${queuedProject}.runs`).filter((r) => r.event === 'start')).toHaveLength(1);

    // A solve that ends while the service is down is settled from its recorded exit status.
    await after.submit({ jobid: 'while_down', project_path: shortProject });
    await waitFor(() => readRunRecords(`${shortProject}.runs`).some((r) => r.event === 'start') || undefined, 5000, 'the solve to start');
    second.child.kill('SIGKILL');
    await second.exited;
    await waitFor(() => readRunRecords(`${shortProject}.runs`).some((r) => r.event === 'end') || undefined, 5000, 'the solve to end');
    const third = await startServiceProcess(sandbox.dataDir);
    const last = apiClient(third.url);
    const settled = await last.waitForStatus('while_down', ['completed', 'failed']);
    expect(settled).toMatchObject({ status: 'completed', exit_code: 0 });
    expect(readRunRecords(`${shortProject}.runs`).filter((r) => r.event === 'start')).toHaveLength(1);
    expect(existsSync(settled.log_path)).toBe(true);
    third.child.kill('SIGTERM');
    await third.exited;
  });

  it('should mark a job failed with the reason, never re-run it, when its solve died together with the service', async () => {
    const first = await startServiceProcess(sandbox.dataDir);
    const api = apiClient(first.url);
    const project = writeProject(sandbox.projects, 'doomed.aedt', { duration_ms: 30_000 });
    await api.submit({ jobid: 'doomed', project_path: project });
    const running = await waitFor(
      async () => {
        const job = (await api.job('doomed')).body;
        return job.native_id && readRunRecords(`${project}.runs`).some((r) => r.event === 'child') ? job : undefined;
      },
      10_000,
      'the solve to start',
    );
    first.child.kill('SIGKILL');
    await first.exited;
    // The machine "loses" the solve too: kill the supervisor's whole process group.
    process.kill(-Number(running.native_id.split(':')[0]), 'SIGKILL');
    const pids = readRunRecords(`${project}.runs`).map((r) => r.pid as number);
    await waitFor(() => pids.every((pid) => !isAlive(pid)) || undefined, 5000, 'the solve to die');

    const second = await startServiceProcess(sandbox.dataDir);
    const job = await apiClient(second.url).waitForStatus('doomed', ['failed', 'completed', 'queued']);
    expect(job.status).toBe('failed');
    expect(job.error).toMatch(/while the job manager was down: the solver supervisor \(pid \d+\) ended without recording an exit status/);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(readRunRecords(`${project}.runs`).filter((r) => r.event === 'start')).toHaveLength(1);
  });
  it('should queue every waiting job again in run order (priority, then submission) after a restart', async () => {
    // Admission held (an impossible free-memory floor): nothing starts, the queue is only read back.
    const held = { HFSS_JM_MIN_FREE_MEMORY_MB: '1000000000' };
    const first = await startServiceProcess(sandbox.dataDir, held);
    const api = apiClient(first.url);
    const project = writeProject(sandbox.projects, 'waits.aedt', { duration_ms: 50 });
    for (const [jobid, priority] of [
      ['low', 1],
      ['high_a', 5],
      ['mid', 3],
      ['high_b', 5],
      ['raised', 0],
    ] as const) {
      expect((await api.submit({ jobid, priority, project_path: project })).status).toBe(201);
    }
    expect((await api.post('/jobs/raised/priority', { priority: 4 })).status).toBe(200);
    first.child.kill('SIGKILL');
    await first.exited;

    const second = await startServiceProcess(sandbox.dataDir, held);
    const after = apiClient(second.url);
    const queue = (await after.get('/queue')).body;
    expect(queue.queued).toBe(5);
    expect(queue.next).toEqual([
      { job_id: 'high_a', priority: 5, position: 1 },
      { job_id: 'high_b', priority: 5, position: 2 },
      { job_id: 'raised', priority: 4, position: 3 },
      { job_id: 'mid', priority: 3, position: 4 },
      { job_id: 'low', priority: 1, position: 5 },
    ]);
    const listed = (await after.get('/jobs?limit=500')).body.items.map((job: any) => [job.job_id, job.queue_position]);
    expect(listed).toEqual([
      ['raised', 3],
      ['high_b', 2],
      ['mid', 4],
      ['high_a', 1],
      ['low', 5],
    ]);
    expect((await after.get('/jobs/mid')).body.queue_position).toBe(4);
  });
});
