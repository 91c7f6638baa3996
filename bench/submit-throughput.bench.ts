import { startServiceProcess, stopServiceProcesses } from '../test/support/service-process';
import { makeTempDir, removeDir, writeProject } from '../test/support/test-app';
import { http, load, report, summary } from './bench-support';

// Target: >= 2,000 submits/s and p99 <= 20 ms over HTTP with the durable store (synchronous=FULL), 2 cores.
// Baseline in the same run: GET /health through the same stack (routing, guards, JSON) without the store.
it('submit throughput and latency over HTTP', async () => {
  const dataDir = makeTempDir('bench-submit-');
  const projects = makeTempDir('bench-submit-projects-');
  const project = writeProject(projects, 'p.aedt', { duration_ms: 600_000 });
  const service = await startServiceProcess(dataDir, {
    HFSS_JM_MIN_FREE_MEMORY_MB: '1000000000',
    HFSS_JM_LOG_LEVEL: 'warn',
    HFSS_JM_SQLITE_SYNCHRONOUS: 'full',
  });
  try {
    const post = (index: number, prefix: string) =>
      http(`${service.url}/jobs/submit`, 'POST', { jobid: `${prefix}_${index}`, project_path: project, priority: index % 7 }).then((r) => {
        if (r.status !== 201) throw new Error(`submit answered ${r.status}: ${r.text}`);
      });
    await load(500, 16, (i) => post(i, 'warm'));
    const health = await load(10_000, 32, () => http(`${service.url}/health`).then(() => undefined));
    const submits = await load(10_000, 32, (i) => post(i, 'job'));
    const figures = {
      submits_per_s: Math.round(10_000 / submits.seconds),
      latency_ms: summary(submits.latencies),
      baseline_health_per_s: Math.round(10_000 / health.seconds),
      baseline_latency_ms: summary(health.latencies),
      submit_vs_health_throughput: Math.round((health.seconds / submits.seconds) * 100) / 100,
      concurrency: 32,
      sqlite_synchronous: 'full',
    };
    report('submit-throughput', figures);
  } finally {
    service.child.kill('SIGKILL');
    await stopServiceProcesses();
    removeDir(dataDir);
    removeDir(projects);
  }
});
