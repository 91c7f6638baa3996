import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { apiClient, isAlive, readRunRecords, waitFor } from './support/http';
import { startServiceProcess, useServiceSandbox } from './support/service-process';
import { writeProject } from './support/test-app';

/** The solver's own pids (it and its child) from its start records. */
function solverPids(project: string): number[] {
  return readRunRecords(`${project}.runs`)
    .filter((record) => record.event === 'start' || record.event === 'child')
    .map((record) => record.pid as number);
}

describe('a cancel recorded before a crash is honoured after the restart (real service processes, kill -9)', () => {
  const sandbox = useServiceSandbox();

  it('should kill, and record cancelled, a solve whose cancel was on disk when the service was killed mid-kill', async () => {
    // A solver that ignores SIGTERM and a long grace period: the service is killed after recording the cancel,
    // before its SIGKILL would have come.
    const first = await startServiceProcess(sandbox.dataDir, { HFSS_JM_KILL_GRACE_MS: '600000' });
    const api = apiClient(first.url);
    const project = writeProject(sandbox.projects, 'stubborn.aedt', { duration_ms: 600_000, ignore_sigterm: true, progress_steps: 1 });
    await api.submit({ jobid: 'stubborn', project_path: project });
    await waitFor(async () => ((await api.job('stubborn')).body.native_id ? true : undefined), 20_000, 'the solver to start');
    await waitFor(() => solverPids(project).length === 2 || undefined, 20_000, 'the solver and its child');
    const cancelling = api.post('/jobs/stubborn/cancel').catch(() => undefined);
    await waitFor(async () => ((await api.job('stubborn')).body.cancel_requested_at ? true : undefined), 20_000, 'the cancel to be recorded');
    first.child.kill('SIGKILL');
    await first.exited;
    await cancelling;
    // SIGTERM reached the tree (the solver's child died of it); the solver itself ignores it and runs on.
    expect(isAlive(solverPids(project)[0])).toBe(true);

    const second = await startServiceProcess(sandbox.dataDir);
    const after = apiClient(second.url);
    expect(await after.waitForStatus('stubborn', ['cancelled', 'completed', 'failed', 'timed_out'], 30_000)).toMatchObject({
      status: 'cancelled',
      error: 'cancelled on request',
    });
    await waitFor(() => solverPids(project).every((pid) => !isAlive(pid)) || undefined, 20_000, 'the whole solver tree to be gone');
  });

  it('should cancel, never start, a job whose cancel was recorded before its solver started', async () => {
    // Built on disk: the service marked the job running and recorded a cancel, and died before any launch file.
    const first = await startServiceProcess(sandbox.dataDir, { HFSS_JM_MIN_FREE_MEMORY_MB: '16777216' });
    const project = writeProject(sandbox.projects, 'never.aedt', { duration_ms: 50 });
    await apiClient(first.url).submit({ jobid: 'never', project_path: project });
    first.child.kill('SIGTERM');
    await first.exited;
    const db = new Database(join(sandbox.dataDir, 'jobs.sqlite'));
    const now = Date.now();
    db.prepare("UPDATE jobs SET status = 'running', started_at = ?, cancel_requested_at = ? WHERE id = 'never'").run(now - 10, now);
    db.close();

    const second = await startServiceProcess(sandbox.dataDir);
    const after = apiClient(second.url);
    expect(await after.waitForStatus('never', ['cancelled', 'completed', 'failed', 'queued'], 20_000)).toMatchObject({ status: 'cancelled' });
    // The next job runs, so a launch would have happened by now had the cancelled one been re-queued.
    const next = writeProject(sandbox.projects, 'next.aedt', { duration_ms: 50 });
    await after.submit({ jobid: 'next', project_path: next });
    await after.waitForStatus('next', ['completed']);
    expect(existsSync(`${project}.runs`)).toBe(false);
  });
});
