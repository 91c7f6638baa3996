import { execFileSync, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { loadavg, userInfo } from 'node:os';
import { join } from 'node:path';
import { http, load, report, summary } from './bench-support';
import { makeTempDir, removeDir, startTestApp, writeProject } from '../test/support/test-app';

// Target (issue 13): 300 SLURM submissions through POST /jobs, 8 in flight, reach >= 80 % of raw parallel sbatch
// throughput measured in the same run: `xargs -P 8 sbatch` of equivalent scripts, rounds interleaved so that both
// see the same machine load. Real single-node SLURM (scripts/ci/slurm-up.sh); every job is held, then cancelled.
const JOBS = Number(process.env.BENCH_CLUSTER_JOBS ?? 300);
const ROUNDS = Number(process.env.BENCH_CLUSTER_ROUNDS ?? 3);
const PARALLEL = 8;

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

it('SLURM submissions per second through POST /jobs vs raw xargs -P 8 sbatch', async () => {
  try {
    execFileSync('sinfo', ['-h']);
  } catch {
    report('cluster-submit', { skipped: 'SLURM is not running here (scripts/ci/slurm-up.sh)' });
    return;
  }
  const harness = await startTestApp({
    env: {
      HFSS_JM_SCHEDULER_POLL_INTERVAL_MS: '60000',
      HFSS_JM_SCHEDULER_COMMAND_TIMEOUT_MS: '60000',
      ...(process.env.BENCH_CLUSTER_ENV ? JSON.parse(process.env.BENCH_CLUSTER_ENV) : {}),
    },
  });
  const projects = makeTempDir('bench-cluster-submit-');
  const rounds: Array<{ raw_per_s: number; service_per_s: number; ratio: number; service_latency_ms: ReturnType<typeof summary>; load: number[] }> = [];
  try {
    const project = writeProject(projects, 's.aedt', { duration_ms: 100 });
    for (let round = 0; round < ROUNDS; round++) {
      const rawSeconds = await rawSbatch(projects, round);
      const { latencies, seconds } = await load(JOBS, PARALLEL, async (i) => {
        const response = await http(`${harness.url}/jobs/submit`, 'POST', {
          jobid: `cs_${round}_${i}`,
          project_path: project,
          scheduler_type: 'slurm',
          scheduler_options: { time: '00:05:00', extra_directives: ['--hold'] },
        });
        if (response.status !== 201) throw new Error(`submit ${i}: ${response.status} ${response.text}`);
      });
      const raw = JOBS / rawSeconds;
      const service = JOBS / seconds;
      rounds.push({
        raw_per_s: Math.round(raw * 10) / 10,
        service_per_s: Math.round(service * 10) / 10,
        ratio: Math.round((service / raw) * 100) / 100,
        service_latency_ms: summary(latencies),
        load: loadavg().map((value) => Math.round(value * 100) / 100),
      });
      execFileSync('scancel', ['-u', userInfo().username, '-t', 'PENDING']);
    }
    const ratios = rounds.map((r) => r.ratio);
    report('cluster-submit', {
      jobs_per_round: JOBS,
      in_flight: PARALLEL,
      rounds,
      ratio: { min: Math.min(...ratios), max: Math.max(...ratios) },
      target_ratio: 0.8,
    });
  } finally {
    execFileSync('scancel', ['-u', userInfo().username, '-t', 'PENDING']);
    await harness.close();
    removeDir(harness.dataDir);
    removeDir(projects);
  }
});
