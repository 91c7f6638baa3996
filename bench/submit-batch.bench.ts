import { startServiceProcess, stopServiceProcesses } from '../test/support/service-process';
import { makeTempDir, removeDir, writeProject } from '../test/support/test-app';
import { http, load, report, summary } from './bench-support';

// Target: 10,000 configs in ONE POST /jobs/submit-batch answered (all durable, per-item results) in <= 2 s on 2 cores.
// Baseline in the same run: the same 10,000 configs submitted one by one (POST /jobs/submit, 32 in flight), each on
// a fresh service with a fresh data dir. A few items repeat a jobid or name a missing project (per-item results).
// The batch is answered in its default summary view (jobid, job_status, queue_position per item); the same batch
// with ?view=full (every job's whole view) is timed too, on a fresh service of its own.
const JOBS = 10_000;
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

async function freshService(): Promise<{ url: string; project: string; done: () => Promise<void> }> {
  const dataDir = makeTempDir('bench-batch-');
  const projects = makeTempDir('bench-batch-projects-');
  // Ten distinct project files, as a sweep over variants would name.
  const paths = Array.from({ length: 10 }, (_, i) => writeProject(projects, `p${i}.aedt`, { duration_ms: 600_000 }));
  const service = await startServiceProcess(dataDir, {
    HFSS_JM_MIN_FREE_MEMORY_MB: '1000000000',
    HFSS_JM_LOG_LEVEL: 'warn',
    HFSS_JM_SQLITE_SYNCHRONOUS: 'full',
  });
  return {
    url: service.url,
    project: paths.join('\n'),
    done: async () => {
      service.child.kill('SIGKILL');
      await stopServiceProcesses();
      removeDir(dataDir);
      removeDir(projects);
    },
  };
}

const configs = (projects: string[], prefix: string) =>
  Array.from({ length: JOBS }, (_, i) => ({
    jobid: `${prefix}_${i}`,
    project_path: projects[i % projects.length],
    priority: i % 7,
    design_name: `variant_${i}`,
  }));

/** /health latencies, one request after the other, for `ms`. */
async function healthLatencies(url: string, ms: number): Promise<number[]> {
  const latencies: number[] = [];
  const end = performance.now() + ms;
  while (performance.now() < end) {
    const t0 = performance.now();
    await http(`${url}/health`);
    latencies.push(performance.now() - t0);
  }
  return latencies;
}

it('10,000 configs in one batch request vs one by one', async () => {
  const batchMs: number[] = [];
  const fullViewMs: number[] = [];
  const oneByOneMs: number[] = [];
  const after: number[] = [];
  const idle: number[] = [];
  let sample: Record<string, unknown> = {};
  for (let run = 0; run < RUNS; run++) {
    const batchService = await freshService();
    try {
      const jobs = configs(batchService.project.split('\n'), 'b');
      const t0 = performance.now();
      const answer = await http(`${batchService.url}/jobs/submit-batch`, 'POST', { jobs });
      batchMs.push(performance.now() - t0);
      const body = JSON.parse(answer.text) as { accepted: number; results: unknown[] };
      if (answer.status !== 200 || body.accepted !== JOBS) throw new Error(`batch answered ${answer.status}: ${answer.text.slice(0, 300)}`);
      sample = { response_bytes: answer.text.length, results: body.results.length };
      // The work that follows the answer (accepted-files records, job_queued events): how long a request waits
      // behind it, next to the same service's /health once that work is over.
      after.push(...(await healthLatencies(batchService.url, 2_000)));
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      idle.push(...(await healthLatencies(batchService.url, 1_000)));
    } finally {
      await batchService.done();
    }
    // The same batch answered with every job's whole view (?view=full), on a fresh service too.
    const fullViewService = await freshService();
    try {
      const jobs = configs(fullViewService.project.split('\n'), 'f');
      const t0 = performance.now();
      const answer = await http(`${fullViewService.url}/jobs/submit-batch?view=full`, 'POST', { jobs });
      fullViewMs.push(performance.now() - t0);
      const body = JSON.parse(answer.text) as { accepted: number; results: Array<{ job?: unknown }> };
      if (answer.status !== 200 || body.accepted !== JOBS || body.results.some((result) => !result.job)) {
        throw new Error(`full-view batch answered ${answer.status}: ${answer.text.slice(0, 300)}`);
      }
      sample = { ...sample, full_view_response_bytes: answer.text.length };
    } finally {
      await fullViewService.done();
    }
    const singleService = await freshService();
    try {
      const jobs = configs(singleService.project.split('\n'), 's');
      const result = await load(JOBS, 32, (i) =>
        http(`${singleService.url}/jobs/submit`, 'POST', jobs[i]).then((r) => {
          if (r.status !== 201) throw new Error(`submit answered ${r.status}: ${r.text}`);
        }),
      );
      oneByOneMs.push(result.seconds * 1000);
    } finally {
      await singleService.done();
    }
  }
  report('submit-batch', {
    jobs: JOBS,
    runs: RUNS,
    batch_request_ms: summary(batchMs),
    batch_full_view_ms: summary(fullViewMs),
    baseline_one_by_one_ms: summary(oneByOneMs),
    speedup: Math.round((summary(oneByOneMs).p50 / summary(batchMs).p50) * 100) / 100,
    baseline_concurrency: 32,
    health_ms_in_the_2_s_after_the_answer: summary(after),
    baseline_health_ms_idle: summary(idle),
    sqlite_synchronous: 'full',
    ...sample,
  });
});
