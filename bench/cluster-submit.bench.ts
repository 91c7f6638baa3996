import { execFileSync, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { loadavg, userInfo } from 'node:os';
import { join } from 'node:path';
import { http, load, report, summary } from './bench-support';
import { makeTempDir, removeDir, startTestApp, writeProject } from '../test/support/test-app';

// Target (issue 13): 300 SLURM submissions reach >= 80 % of raw parallel sbatch throughput measured in the same run:
// `xargs -P 8 sbatch` of equivalent scripts, rounds interleaved so that all see the same machine load. Two ways in:
// - one POST /jobs/submit per job, 8 in flight (each answers once sbatch has: 201 with the native id);
// - a sweep, one POST /jobs/submit-batch of all 300, timed until every job has its native id: by default the jobs
//   (same directives) go as one SLURM job array, one sbatch --array; and again on a second service started with
//   HFSS_JM_SCHEDULER_JOB_ARRAYS=false, one sbatch per job, HFSS_JM_SCHEDULER_MAX_PARALLEL_COMMANDS = 8 at once as
//   xargs -P 8 does.
// Real single-node SLURM (scripts/ci/slurm-up.sh); every job is held, then cancelled.
const JOBS = Number(process.env.BENCH_CLUSTER_JOBS ?? 300);
const ROUNDS = Number(process.env.BENCH_CLUSTER_ROUNDS ?? 3);
const PARALLEL = 8;
/** Requests in flight in the per-request rounds (raw sbatch stays at PARALLEL): 8 by default, as xargs -P 8. */
const IN_FLIGHT = Number(process.env.BENCH_CLUSTER_IN_FLIGHT ?? PARALLEL);

function rawSbatch(dir: string, round: number): Promise<number> {
  const scripts: string[] = [];
  for (let i = 0; i < JOBS; i++) {
    const path = join(dir, `raw_${round}_${i}.sh`);
    writeFileSync(
      path,
      [
        '#!/bin/bash',
        `#SBATCH --job-name=raw_${round}_${i}`,
        '#SBATCH --time=00:05:00',
        '#SBATCH --hold',
        `#SBATCH --output=${dir}/raw.out`,
        'exit 0',
        '',
      ].join('\n'),
      { mode: 0o700 },
    );
    scripts.push(path);
  }
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const xargs = spawn('xargs', ['-0', '-P', String(PARALLEL), '-n', '1', 'sbatch', '--parsable'], { stdio: ['pipe', 'ignore', 'inherit'] });
    xargs.on('error', reject);
    xargs.on('exit', (code) => (code === 0 ? resolve((performance.now() - started) / 1000) : reject(new Error(`xargs sbatch exited ${code}`))));
    xargs.stdin.end(scripts.join('\0'));
  });
}

/** One POST /jobs/submit-batch of JOBS held SLURM jobs; seconds from the request until every one has its native id. */
async function sweep(url: string, project: string, round: number, prefix = 'cb'): Promise<number> {
  const started = performance.now();
  const jobs = Array.from({ length: JOBS }, (_, i) => ({
    jobid: `${prefix}_${round}_${i}`,
    project_path: project,
    scheduler_type: 'slurm',
    scheduler_options: { time: '00:05:00', extra_directives: ['--hold'] },
  }));
  const answer = await http(`${url}/jobs/submit-batch`, 'POST', { jobs });
  if (answer.status !== 200 || (JSON.parse(answer.text) as { accepted: number }).accepted !== JOBS) {
    throw new Error(`sweep ${round}: ${answer.status} ${answer.text.slice(0, 300)}`);
  }
  // Queued until sbatch has answered: none queued (nothing else runs) and JOBS more scheduled means all submitted.
  for (;;) {
    const queued = JSON.parse((await http(`${url}/jobs?status=queued&limit=1`)).text) as { total: number; items: Array<{ waiting_reason: string | null }> };
    if (queued.items[0]?.waiting_reason) throw new Error(`sweep ${round}: ${queued.items[0].waiting_reason}`);
    if (queued.total === 0) {
      const seconds = (performance.now() - started) / 1000;
      const failed = JSON.parse((await http(`${url}/jobs?status=failed&limit=1`)).text) as { total: number; items: Array<{ error: string }> };
      if (failed.total > 0) throw new Error(`sweep ${round}: ${failed.total} failed, e.g. ${failed.items[0].error}`);
      return seconds;
    }
    // Every 50 ms: each look costs the service a request (the timing's resolution is 2–3 % of a sweep).
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

it('SLURM submissions per second through POST /jobs vs raw xargs -P 8 sbatch', async () => {
  try {
    execFileSync('sinfo', ['-h']);
  } catch {
    report('cluster-submit', { skipped: 'SLURM is not running here (scripts/ci/slurm-up.sh)' });
    return;
  }
  const env = {
    HFSS_JM_SCHEDULER_POLL_INTERVAL_MS: '60000',
    HFSS_JM_SCHEDULER_COMMAND_TIMEOUT_MS: '60000',
    ...(process.env.BENCH_CLUSTER_ENV ? (JSON.parse(process.env.BENCH_CLUSTER_ENV) as Record<string, string>) : {}),
  };
  const harness = await startTestApp({ env });
  const oneByOne = await startTestApp({ env: { ...env, HFSS_JM_SCHEDULER_JOB_ARRAYS: 'false' } });
  const projects = makeTempDir('bench-cluster-submit-');
  const rounds: Array<{
    raw_per_s: number;
    service_per_s: number;
    ratio: number;
    service_latency_ms: ReturnType<typeof summary>;
    sweep_per_s: number;
    sweep_ratio: number;
    sweep_one_by_one_per_s: number;
    sweep_one_by_one_ratio: number;
    load: number[];
  }> = [];
  try {
    const project = writeProject(projects, 's.aedt', { duration_ms: 100 });
    for (let round = 0; round < ROUNDS; round++) {
      const rawSeconds = await rawSbatch(projects, round);
      const { latencies, seconds } = await load(JOBS, IN_FLIGHT, async (i) => {
        const response = await http(`${harness.url}/jobs/submit`, 'POST', {
          jobid: `cs_${round}_${i}`,
          project_path: project,
          scheduler_type: 'slurm',
          scheduler_options: { time: '00:05:00', extra_directives: ['--hold'] },
        });
        if (response.status !== 201) throw new Error(`submit ${i}: ${response.status} ${response.text}`);
      });
      execFileSync('scancel', ['-u', userInfo().username, '-t', 'PENDING']);
      const sweepSeconds = await sweep(harness.url, project, round);
      execFileSync('scancel', ['-u', userInfo().username, '-t', 'PENDING']);
      const oneByOneSeconds = await sweep(oneByOne.url, project, round, 'cb1');
      const raw = JOBS / rawSeconds;
      const oneByOneSwept = JOBS / oneByOneSeconds;
      const service = JOBS / seconds;
      const swept = JOBS / sweepSeconds;
      rounds.push({
        raw_per_s: Math.round(raw * 10) / 10,
        service_per_s: Math.round(service * 10) / 10,
        ratio: Math.round((service / raw) * 100) / 100,
        service_latency_ms: summary(latencies),
        sweep_per_s: Math.round(swept * 10) / 10,
        sweep_ratio: Math.round((swept / raw) * 100) / 100,
        sweep_one_by_one_per_s: Math.round(oneByOneSwept * 10) / 10,
        sweep_one_by_one_ratio: Math.round((oneByOneSwept / raw) * 100) / 100,
        load: loadavg().map((value) => Math.round(value * 100) / 100),
      });
      execFileSync('scancel', ['-u', userInfo().username, '-t', 'PENDING']);
    }
    const ratios = rounds.map((r) => r.ratio);
    const sweepRatios = rounds.map((r) => r.sweep_ratio);
    const oneByOneRatios = rounds.map((r) => r.sweep_one_by_one_ratio);
    report('cluster-submit', {
      jobs_per_round: JOBS,
      in_flight: IN_FLIGHT,
      raw_parallel: PARALLEL,
      rounds,
      ratio: { min: Math.min(...ratios), max: Math.max(...ratios) },
      sweep_ratio: { min: Math.min(...sweepRatios), max: Math.max(...sweepRatios) },
      sweep_one_by_one_ratio: { min: Math.min(...oneByOneRatios), max: Math.max(...oneByOneRatios) },
      target_ratio: 0.8,
    });
  } finally {
    execFileSync('scancel', ['-u', userInfo().username, '-t', 'PENDING']);
    await harness.close();
    await oneByOne.close();
    removeDir(harness.dataDir);
    removeDir(oneByOne.dataDir);
    removeDir(projects);
  }
});
