import { startServiceProcess, stopServiceProcesses } from '../test/support/service-process';
import { makeTempDir, removeDir, writeProject } from '../test/support/test-app';
import { http, report } from './bench-support';

// Target: restart with 10,000 stored jobs <= 2 s (process start to /health answering, queue rebuilt).
// Baseline in the same run: the same restart on an empty store.
// Admission is held (impossible free-memory floor): every job stays queued and nothing runs.
const HELD = { HFSS_JM_MIN_FREE_MEMORY_MB: '1000000000', HFSS_JM_LOG_LEVEL: 'warn' };

it('restart time with 10,000 stored jobs', async () => {
  const projects = makeTempDir('bench-restart-projects-');
  const project = writeProject(projects, 'r.aedt', { duration_ms: 600_000 });
  const timeStart = async (dataDir: string): Promise<number> => {
    const t0 = performance.now();
    const service = await startServiceProcess(dataDir, HELD);
    const ms = performance.now() - t0;
    service.child.kill('SIGKILL');
    await service.exited;
    return ms;
  };
  const empty = makeTempDir('bench-restart-empty-');
  const full = makeTempDir('bench-restart-full-');
  try {
    await timeStart(empty);
    const emptyMs = await timeStart(empty);
    const service = await startServiceProcess(full, { ...HELD, HFSS_JM_SQLITE_SYNCHRONOUS: 'normal' });
    for (let i = 0; i < 10_000; i++) {
      await http(`${service.url}/jobs/submit`, 'POST', { jobid: `r_${i}`, project_path: project, priority: i % 10 });
    }
    service.child.kill('SIGKILL');
    await service.exited;
    const runs = [await timeStart(full), await timeStart(full), await timeStart(full)];
    const queued = JSON.parse(
      await (async () => {
        const s = await startServiceProcess(full, HELD);
        const body = (await http(`${s.url}/queue`)).text;
        s.child.kill('SIGKILL');
        await s.exited;
        return body;
      })(),
    ) as { queued: number; running: number };
    report('restart-10k', {
      stored_jobs: 10_000,
      restart_ms: runs.map(Math.round),
      baseline_empty_store_ms: Math.round(emptyMs),
      queued_after_restart: queued.queued,
      running_after_restart: queued.running,
    });
  } finally {
    await stopServiceProcesses();
    [projects, empty, full].forEach(removeDir);
  }
});
