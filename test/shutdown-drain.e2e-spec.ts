import { apiClient, isAlive, readRunRecords, waitFor } from './support/http';
import { startServiceProcess, useServiceSandbox } from './support/service-process';
import { writeProject } from './support/test-app';

describe('Graceful drain on SIGTERM (the built service as a real process)', () => {
  const sandbox = useServiceSandbox();

  it('should refuse new jobs at once, let short solves finish, and cancel the rest when the window ends', async () => {
    const service = await startServiceProcess(sandbox.dataDir, { HFSS_JM_MAX_CONCURRENT_JOBS: '2', HFSS_JM_DRAIN_TIMEOUT_MS: '2000' });
    const api = apiClient(service.url);
    const short = writeProject(sandbox.projects, 'short.aedt', { duration_ms: 800 });
    const long = writeProject(sandbox.projects, 'long.aedt', { duration_ms: 60_000, spawn_child: true });
    await api.submit({ jobid: 'short', project_path: short });
    await api.submit({ jobid: 'long', project_path: long });
    await api.submit({ jobid: 'waiting', project_path: writeProject(sandbox.projects, 'waiting.aedt') });
    await waitFor(
      () => (readRunRecords(`${long}.runs`).some((r) => r.event === 'child') && readRunRecords(`${short}.runs`).length > 0) || undefined,
      10_000,
      'both solves to start',
    );
    const startedAt = Date.now();
    service.child.kill('SIGTERM');

    await waitFor(async () => ((await api.get('/health')).body.status === 'draining' ? true : undefined), 2000, 'the drain to begin');
    const refused = await api.submit({ jobid: 'late', project_path: short });
    expect(refused.status).toBe(503);
    expect(refused.body).toMatchObject({ success: false, code: 'SHUTTING_DOWN' });

    await service.exited;
    const elapsed = Date.now() - startedAt;
    expect(elapsed).toBeGreaterThanOrEqual(2000);
    expect(elapsed).toBeLessThan(2000 + 1000 + 3000);
    const pids = readRunRecords(`${long}.runs`)
      .filter((r) => r.pid)
      .map((r) => r.pid as number);
    expect(pids.filter(isAlive)).toEqual([]);

    const restarted = await startServiceProcess(sandbox.dataDir, { HFSS_JM_MAX_CONCURRENT_JOBS: '2' });
    const after = apiClient(restarted.url);
    expect((await after.job('short')).body).toMatchObject({ status: 'completed', exit_code: 0 });
    expect((await after.job('long')).body).toMatchObject({ status: 'cancelled', error: expect.stringMatching(/cancelled by shutdown/) });
    expect((await after.job('late')).status).toBe(404);
    // The job that never started was kept queued and runs after the restart.
    await after.waitForStatus('waiting', ['completed']);
    restarted.child.kill('SIGTERM');
    await restarted.exited;
  });
});
