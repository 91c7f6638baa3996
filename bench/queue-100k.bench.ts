import { JobsService } from '../src/jobs/jobs.service';
import { HFSSSimulationConfig } from '../src/simulation/hfss-simulation-config.dto';
import { makeTempDir, removeDir, startTestApp, writeProject } from '../test/support/test-app';
import { http, load, report, summary } from './bench-support';

// Target: GET /queue and a priority change with 100,000 queued jobs < 10 ms; memory reported.
// Baseline in the same run: the same requests with 100 queued jobs.
it('queue view and priority change with 100,000 queued jobs', async () => {
  const harness = await startTestApp({ env: { HFSS_JM_MIN_FREE_MEMORY_MB: '1000000000', HFSS_JM_LOG_LEVEL: 'error', HFSS_JM_SQLITE_SYNCHRONOUS: 'normal' } });
  const projects = makeTempDir('bench-queue-');
  try {
    const jobs = harness.app.get(JobsService);
    const project = writeProject(projects, 'q.aedt', { duration_ms: 600_000 });
    const measure = async (queued: number) => {
      const queue = await load(300, 1, () => http(`${harness.url}/queue`).then(() => undefined));
      const priority = await load(300, 1, (i) =>
        http(`${harness.url}/jobs/q_${1 + ((i * 7919) % (queued - 1))}/priority`, 'POST', { priority: (i % 50) - 25 }).then((r) => {
          if (r.status !== 200) throw new Error(`priority answered ${r.status}: ${r.text}`);
        }),
      );
      return { get_queue_ms: summary(queue.latencies), change_priority_ms: summary(priority.latencies) };
    };
    const submit = async (from: number, to: number) => {
      for (let i = from; i < to; i++) {
        await jobs.submit(Object.assign(new HFSSSimulationConfig(), { jobid: `q_${i}`, project_path: project, priority: i % 100 }));
      }
    };
    await submit(0, 101);
    const baseline = await measure(101);
    const heapBefore = process.memoryUsage();
    const fillStarted = performance.now();
    await submit(101, 100_001);
    const fillSeconds = (performance.now() - fillStarted) / 1000;
    global.gc?.();
    const heapAfter = process.memoryUsage();
    const large = await measure(100_001);
    report('queue-100k', {
      queued: 100_000,
      with_100k: large,
      baseline_with_100: baseline,
      fill_submits_per_s_in_process: Math.round(99_900 / fillSeconds),
      rss_mb: Math.round(heapAfter.rss / 2 ** 20),
      heap_used_growth_mb: Math.round((heapAfter.heapUsed - heapBefore.heapUsed) / 2 ** 20),
    });
  } finally {
    await harness.close();
    removeDir(harness.dataDir);
    removeDir(projects);
  }
});
