import { execFileSync, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { http, report } from './bench-support';
import { makeTempDir, removeDir, startTestApp, writeProject } from '../test/support/test-app';

// A sweep on Grid Engine: one POST /jobs/submit-batch of JOBS held jobs with the same directives, timed until every
// job has its native id, on the default service (one `qsub -t 1-n` array job) and on a second one started with
// HFSS_JM_SCHEDULER_JOB_ARRAYS=false (one `qsub` per job, HFSS_JM_SCHEDULER_MAX_PARALLEL_COMMANDS = 8 at once),
// against raw `xargs -P 8 qsub` of equivalent scripts, rounds interleaved so that all see the same machine load.
// Real single-host Grid Engine (scripts/ci/sge-up.sh); every job is held, then deleted.
const JOBS = Number(process.env.BENCH_SGE_JOBS ?? 300);
const ROUNDS = Number(process.env.BENCH_SGE_ROUNDS ?? 3);
const PARALLEL = 8;

/** Deletes every job of the service user (all held): Grid Engine then forgets them (no accounting record). */
function deleteAll(): void {
  execFileSync('qdel', ['-u', process.env.USER ?? 'root'], { stdio: 'ignore' });
}

function rawQsub(dir: string, round: number): Promise<number> {
  const scripts: string[] = [];
  for (let i = 0; i < JOBS; i++) {
    const path = join(dir, `raw_${round}_${i}.sh`);
    writeFileSync(path, ['#!/bin/bash', '#$ -S /bin/bash', '#$ -r n', '#$ -l h_rt=00:05:00', 'exit 0', ''].join('\n'), { mode: 0o700 });
    scripts.push(path);
  }
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const args = ['-0', '-P', String(PARALLEL), '-n', '1', 'qsub', '-terse', '-h', '-N', `raw_${round}`, '-wd', dir, '-j', 'y', '-o', '/dev/null'];
    const xargs = spawn('xargs', args, { stdio: ['pipe', 'ignore', 'inherit'] });
    xargs.on('error', reject);
    xargs.on('exit', (code) => (code === 0 ? resolve((performance.now() - started) / 1000) : reject(new Error(`xargs qsub exited ${code}`))));
    xargs.stdin.end(scripts.join('\0'));
  });
}

/** One POST /jobs/submit-batch of JOBS held jobs; seconds from the request until every one has its native id. */
async function sweep(url: string, project: string, round: number, prefix: string): Promise<number> {
  const started = performance.now();
  const jobs = Array.from({ length: JOBS }, (_, i) => ({
    jobid: `${prefix}_${round}_${i}`,
    project_path: project,
    scheduler_type: 'grid_engine',
    scheduler_options: { time: '00:05:00', extra_directives: ['-h'] },
  }));
  const answer = await http(`${url}/jobs/submit-batch`, 'POST', { jobs });
  if (answer.status !== 200 || (JSON.parse(answer.text) as { accepted: number }).accepted !== JOBS) {
    throw new Error(`sweep ${round}: ${answer.status} ${answer.text.slice(0, 300)}`);
  }
  for (;;) {
    const queued = JSON.parse((await http(`${url}/jobs?status=queued&limit=1`)).text) as { total: number; items: Array<{ waiting_reason: string | null }> };
    if (queued.items[0]?.waiting_reason) throw new Error(`sweep ${round}: ${queued.items[0].waiting_reason}`);
    if (queued.total === 0) {
      const seconds = (performance.now() - started) / 1000;
      const failed = JSON.parse((await http(`${url}/jobs?status=failed&limit=1`)).text) as { total: number; items: Array<{ error: string }> };
      if (failed.total > 0) throw new Error(`sweep ${round}: ${failed.total} failed, e.g. ${failed.items[0].error}`);
      return seconds;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

it('Grid Engine sweep: one qsub -t vs one qsub per job vs raw xargs -P 8 qsub', async () => {
  try {
    execFileSync('qstat', ['-xml'], { stdio: 'pipe', timeout: 10_000 });
  } catch {
    report('grid-engine-sweep', { skipped: 'Grid Engine is not running here (scripts/ci/sge-up.sh)' });
    return;
  }
  const env = { HFSS_JM_SCHEDULER_POLL_INTERVAL_MS: '60000', HFSS_JM_SCHEDULER_COMMAND_TIMEOUT_MS: '60000' };
  const arrays = await startTestApp({ env });
  const oneByOne = await startTestApp({ env: { ...env, HFSS_JM_SCHEDULER_JOB_ARRAYS: 'false' } });
  const projects = makeTempDir('bench-sge-sweep-');
  const rounds: Array<Record<string, unknown>> = [];
  try {
    const project = writeProject(projects, 'g.aedt', { duration_ms: 100 });
    for (let round = 0; round < ROUNDS; round++) {
      const raw = JOBS / (await rawQsub(projects, round));
      deleteAll();
      const swept = JOBS / (await sweep(arrays.url, project, round, 'ga'));
      deleteAll();
      const single = JOBS / (await sweep(oneByOne.url, project, round, 'g1'));
      deleteAll();
      const round2 = (value: number): number => Math.round(value * 100) / 100;
      rounds.push({
        raw_per_s: Math.round(raw),
        sweep_array_per_s: Math.round(swept),
        sweep_array_ratio: round2(swept / raw),
        sweep_one_by_one_per_s: Math.round(single),
        sweep_one_by_one_ratio: round2(single / raw),
        load: loadavg().map(round2),
      });
    }
    const ratios = rounds.map((r) => r.sweep_array_ratio as number);
    report('grid-engine-sweep', {
      jobs_per_round: JOBS,
      raw_parallel: PARALLEL,
      rounds,
      sweep_array_ratio: { min: Math.min(...ratios), max: Math.max(...ratios) },
    });
  } finally {
    deleteAll();
    await arrays.close();
    await oneByOne.close();
    removeDir(arrays.dataDir);
    removeDir(oneByOne.dataDir);
    removeDir(projects);
  }
});
