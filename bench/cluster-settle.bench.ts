import { execFileSync } from 'node:child_process';
import { loadavg, userInfo } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { http, load, report, summary } from './bench-support';
import { ChunkSizer } from '../src/jobs/cluster/settlement-chunks';
import { makeTempDir, removeDir, startTestApp, writeProject } from '../test/support/test-app';

// Target (issue 13): a poll that settles 1,000 finished SLURM jobs never blocks the event loop more than 20 ms at a
// time. 1,000 held jobs are submitted to the real single-node SLURM (scripts/ci/slurm-up.sh) and tracked; then they
// are all cancelled behind the service's back, so that one poll finds 1,000 jobs ended. Figures: the event loop's
// longest delay (monitorEventLoopDelay, 1 ms resolution, the service and this load generator share the process) and
// /health latency while that poll settles them, next to the same figures over polls of the same 1,000 jobs that
// change nothing (the baseline, same run).
const JOBS = Number(process.env.BENCH_CLUSTER_JOBS ?? 1000);
const POLL_MS = 2000;

async function observe(
  url: string,
  until: () => Promise<boolean>,
): Promise<{ loop_max_ms: number; loop_p99_ms: number; health_ms: ReturnType<typeof summary>; seconds: number }> {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  const health: number[] = [];
  const started = performance.now();
  histogram.enable();
  let done = false;
  const probe = (async () => {
    while (!done) {
      const t0 = performance.now();
      await http(`${url}/health`);
      health.push(performance.now() - t0);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })();
  while (!(await until())) await new Promise((resolve) => setTimeout(resolve, 100));
  done = true;
  await probe;
  histogram.disable();
  const round = (ms: number): number => Math.round(ms * 10) / 10;
  return {
    loop_max_ms: round(histogram.max / 1e6),
    loop_p99_ms: round(histogram.percentile(99) / 1e6),
    health_ms: summary(health),
    seconds: round((performance.now() - started) / 1000),
  };
}

it('event loop while one poll settles 1,000 finished SLURM jobs', async () => {
  try {
    execFileSync('sinfo', ['-h']);
  } catch {
    report('cluster-settle', { skipped: 'SLURM is not running here (scripts/ci/slurm-up.sh)' });
    return;
  }
  const harness = await startTestApp({
    env: {
      HFSS_JM_SCHEDULER_POLL_INTERVAL_MS: String(POLL_MS),
      HFSS_JM_SCHEDULER_COMMAND_TIMEOUT_MS: '60000',
      ...(process.env.BENCH_CLUSTER_ENV ? (JSON.parse(process.env.BENCH_CLUSTER_ENV) as Record<string, string>) : {}),
    },
  });
  const projects = makeTempDir('bench-cluster-settle-');
  const total = async (status: string): Promise<number> =>
    (JSON.parse((await http(`${harness.url}/jobs?status=${status}&limit=1`)).text) as { total: number }).total;
  try {
    const project = writeProject(projects, 's.aedt', { duration_ms: 100 });
    const submitted = await load(JOBS, 8, async (i) => {
      const response = await http(`${harness.url}/jobs/submit`, 'POST', {
        jobid: `settle_${i}`,
        project_path: project,
        scheduler_type: 'slurm',
        scheduler_options: { time: '00:05:00', extra_directives: ['--hold'] },
      });
      if (response.status !== 201) throw new Error(`submit ${i}: ${response.status} ${response.text}`);
    });
    // Three polls of 1,000 tracked jobs that change nothing.
    const windowEnd = performance.now() + 3 * POLL_MS;
    const baseline = await observe(harness.url, async () => performance.now() >= windowEnd);
    // Each synchronous slice of the settlement, as the runner itself timed it.
    const slices: Array<{ jobs: number; ms: number }> = [];
    const record = ChunkSizer.prototype.record;
    ChunkSizer.prototype.record = function (this: ChunkSizer, jobs: number, ms: number): void {
      slices.push({ jobs, ms });
      record.call(this, jobs, ms);
    };
    execFileSync('scancel', ['-u', userInfo().username, '-t', 'PENDING']);
    const settling = await observe(harness.url, async () => (await total('scheduled')) === 0);
    ChunkSizer.prototype.record = record;
    const settled = slices.filter((slice) => slice.jobs > 0);
    report('cluster-settle', {
      jobs: JOBS,
      poll_interval_ms: POLL_MS,
      sqlite_synchronous: harness.config.storage.synchronous,
      submits_per_s: Math.round(JOBS / submitted.seconds),
      settling,
      slices: {
        count: settled.length,
        jobs_per_slice: summary(settled.map((slice) => slice.jobs)),
        ms: summary(settled.map((slice) => slice.ms)),
        over_20_ms: settled.filter((slice) => slice.ms > 20).length,
      },
      baseline_polls_changing_nothing: baseline,
      target_loop_max_ms: 20,
      load: loadavg().map((value) => Math.round(value * 100) / 100),
    });
  } finally {
    execFileSync('scancel', ['-u', userInfo().username, '-t', 'PENDING']);
    await harness.close();
    removeDir(harness.dataDir);
    removeDir(projects);
  }
});
