import { startServiceProcess, stopServiceProcesses } from '../test/support/service-process';
import { makeTempDir, removeDir, writeProject } from '../test/support/test-app';
import { http, report } from './bench-support';
import { generateBigStore, HELD, peakRssMb } from './big-store';

// Target: restart with 100,000 queued and 1,000,000 finished jobs: /health answering <= 3 s, peak RSS <= 300 MB.
// Baseline in the same run: the same restart on an empty store.
it('restart time and peak memory with 100,000 queued and 1,000,000 finished jobs', async () => {
  const projects = makeTempDir('bench-restart-big-projects-');
  const project = writeProject(projects, 'r.aedt', { duration_ms: 600_000 });
  const empty = makeTempDir('bench-restart-big-empty-');
  const big = makeTempDir('bench-restart-big-');
  const timeStart = async (dataDir: string): Promise<{ ms: number; peakRssMb: number; queued: number }> => {
    const t0 = performance.now();
    const service = await startServiceProcess(dataDir, HELD);
    const ms = performance.now() - t0;
    const peak = peakRssMb(service.child.pid!);
    const queue = JSON.parse((await http(`${service.url}/queue`)).text) as { queued: number };
    service.child.kill('SIGKILL');
    await service.exited;
    return { ms: Math.round(ms), peakRssMb: peak, queued: queue.queued };
  };
  try {
    await timeStart(empty);
    const baseline = await timeStart(empty);
    const generated = performance.now();
    await generateBigStore(big, project, { finished: 1_000_000, queued: 100_000 });
    const generateSeconds = Math.round((performance.now() - generated) / 100) / 10;
    const runs = [await timeStart(big), await timeStart(big), await timeStart(big)];
    report('restart-100k-queued-1m-finished', {
      stored_jobs: { queued: 100_000, finished: 1_000_000 },
      restart_ms: runs.map((run) => run.ms),
      peak_rss_mb: runs.map((run) => run.peakRssMb),
      queued_after_restart: runs.map((run) => run.queued),
      baseline_empty_store: { restart_ms: baseline.ms, peak_rss_mb: baseline.peakRssMb },
      store_generated_in_s: generateSeconds,
    });
  } finally {
    await stopServiceProcesses();
    [projects, empty, big].forEach(removeDir);
  }
});
