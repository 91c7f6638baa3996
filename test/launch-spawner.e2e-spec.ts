import { readdirSync, readFileSync } from 'node:fs';
import { apiClient, isAlive, readRunRecords, waitFor } from './support/http';
import { startServiceProcess, useServiceSandbox } from './support/service-process';
import { writeProject } from './support/test-app';

/** Pids of the live children of `parent` whose command line contains `needle`. */
function childrenRunning(parent: number, needle: string): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((name) => {
      try {
        const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return fields[0] !== 'Z' && Number(fields[1]) === parent && readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(needle);
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe('the launch spawner of the built service (real processes)', () => {
  const sandbox = useServiceSandbox();

  it('should exit with the service on kill -9, while the solve it launched runs on and is re-attached, never re-run', async () => {
    const first = await startServiceProcess(sandbox.dataDir, { HFSS_JM_MAX_CONCURRENT_JOBS: '1' });
    const api = apiClient(first.url);
    const project = writeProject(sandbox.projects, 'survivor.aedt', { duration_ms: 2500 });
    await api.submit({ jobid: 'survivor', project_path: project });
    const [spawner] = await waitFor(
      () => {
        const found = childrenRunning(first.child.pid!, 'launch-spawner.cjs');
        return found.length === 1 ? found : undefined;
      },
      10_000,
      'the launch spawner',
    );
    await waitFor(() => readRunRecords(`${project}.runs`).length > 0 || undefined, 10_000, 'the solver to start');
    first.child.kill('SIGKILL');
    await first.exited;
    await waitFor(() => !isAlive(spawner) || undefined, 10_000, 'the launch spawner to exit with the service');

    const second = await startServiceProcess(sandbox.dataDir, { HFSS_JM_MAX_CONCURRENT_JOBS: '1' });
    const after = apiClient(second.url);
    expect(await after.waitForStatus('survivor', ['completed', 'failed'])).toMatchObject({ status: 'completed', exit_code: 0 });
    expect(readRunRecords(`${project}.runs`).filter((record) => record.event === 'start')).toHaveLength(1);
    second.child.kill('SIGTERM');
    await second.exited;
  }, 90_000);

  it('should start a killed spawner again and keep launching', async () => {
    const service = await startServiceProcess(sandbox.dataDir, { HFSS_JM_MAX_CONCURRENT_JOBS: '1' });
    const api = apiClient(service.url);
    const [spawner] = await waitFor(
      () => {
        const found = childrenRunning(service.child.pid!, 'launch-spawner.cjs');
        return found.length === 1 ? found : undefined;
      },
      10_000,
      'the launch spawner',
    );
    process.kill(spawner, 'SIGKILL');
    await waitFor(
      () => {
        const found = childrenRunning(service.child.pid!, 'launch-spawner.cjs');
        return found.length === 1 && found[0] !== spawner ? true : undefined;
      },
      10_000,
      'a new launch spawner',
    );
    const project = writeProject(sandbox.projects, 'after.aedt', { duration_ms: 50 });
    await api.submit({ jobid: 'after', project_path: project });
    expect(await api.waitForStatus('after', ['completed', 'failed'])).toMatchObject({ status: 'completed', exit_code: 0 });
    service.child.kill('SIGTERM');
    await service.exited;
  }, 60_000);
});
