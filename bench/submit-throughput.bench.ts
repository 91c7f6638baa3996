import { startServiceProcess, stopServiceProcesses } from '../test/support/service-process';
import { makeTempDir, removeDir, writeProject } from '../test/support/test-app';
import { http, load, report, summary } from './bench-support';
import { cpuMs } from './big-store';

// Targets (issue 13): with the durable store (synchronous=full: each answer after its commit is on disk), submits/s at
// 32 in flight >= 50 % of GET /health's, and <= 0.5 ms of service CPU per submit.
// Baseline in the same run: GET /health through the same stack (routing, guards, JSON) without the store.
it('submit throughput, latency and CPU per submit over HTTP', async () => {
  const dataDir = makeTempDir('bench-submit-');
  const projects = makeTempDir('bench-submit-projects-');
  const project = writeProject(projects, 'p.aedt', { duration_ms: 600_000 });
  const service = await startServiceProcess(dataDir, {
    HFSS_JM_MIN_FREE_MEMORY_MB: '1000000000',
    HFSS_JM_LOG_LEVEL: 'warn',
    HFSS_JM_SQLITE_SYNCHRONOUS: 'full',
  });
  const pid = service.child.pid!;
  try {
    const post = (index: number, prefix: string) =>
      http(`${service.url}/jobs/submit`, 'POST', { jobid: `${prefix}_${index}`, project_path: project, priority: index % 7 }).then((r) => {
        if (r.status !== 201) throw new Error(`submit answered ${r.status}: ${r.text}`);
      });
    await load(500, 16, (i) => post(i, 'warm'));
    const measured = async (total: number, concurrency: number, request: (index: number) => Promise<void>) => {
      const cpu0 = cpuMs(pid);
      const run = await load(total, concurrency, request);
      return {
        per_s: Math.round(total / run.seconds),
        latency_ms: summary(run.latencies),
        cpu_ms_per_request: Math.round(((cpuMs(pid) - cpu0) / total) * 100) / 100,
      };
    };
    const health = await measured(10_000, 32, () => http(`${service.url}/health`).then(() => undefined));
    const submits: Record<string, Awaited<ReturnType<typeof measured>>> = {};
    for (const concurrency of [1, 8, 32]) {
      const total = concurrency === 1 ? 2_000 : 10_000;
      submits[`in_flight_${concurrency}`] = await measured(total, concurrency, (i) => post(i, `job${concurrency}`));
    }
    report('submit-throughput', {
      submits,
      baseline_health_32_in_flight: health,
      submit_vs_health_throughput_32: Math.round((submits.in_flight_32.per_s / health.per_s) * 100) / 100,
      sqlite_synchronous: 'full',
    });
  } finally {
    service.child.kill('SIGKILL');
    await stopServiceProcesses();
    removeDir(dataDir);
    removeDir(projects);
  }
});
