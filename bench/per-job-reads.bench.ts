import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { waitFor } from '../test/support/http';
import { startServiceProcess, stopServiceProcesses } from '../test/support/service-process';
import { makeTempDir, removeDir, writeProject } from '../test/support/test-app';
import { http, load, report, summary } from './bench-support';
import { cpuMs, generateBigStore, HELD } from './big-store';

// Per-job reads must not grow with the queue: GET /jobs?limit=500, GET /queue, GET /jobs/{id} and a priority change
// with 10,000 and with 100,000 queued jobs (issue 13). The service runs as a real process (dist/main.js) on a store
// generated like the restart bench's. Baseline in the same run: GET /health of the same process. Per request: the
// latency and the service's CPU time (/proc, 10 ms ticks: a mean over the requests).
// PER_JOB_READS_SYNCHRONOUS (default full, as deployed) sets HFSS_JM_SQLITE_SYNCHRONOUS; PER_JOB_READS_CPU_PROF=<dir>
// writes a CPU profile of each measured service (bench/cpu-profile.preload.js).
const SIZES = (process.env.PER_JOB_READS_SIZES ?? '10000,100000').split(',').map(Number);
const SYNCHRONOUS = process.env.PER_JOB_READS_SYNCHRONOUS ?? 'full';
const PROFILE_DIR = process.env.PER_JOB_READS_CPU_PROF;
/** Profiles the process it is required into (node refuses --cpu-prof in NODE_OPTIONS). */
const PROFILE_PRELOAD = resolve(__dirname, 'cpu-profile.preload.js');

it('per-job read costs with 10,000 and 100,000 queued jobs', async () => {
  const projects = makeTempDir('bench-reads-projects-');
  const project = writeProject(projects, 'r.aedt', { duration_ms: 600_000 });
  const dirs: string[] = [projects];
  try {
    for (const queued of SIZES) {
      const dataDir = makeTempDir('bench-reads-');
      dirs.push(dataDir);
      await generateBigStore(dataDir, project, { finished: 0, queued });
      const env: Record<string, string> = { ...HELD, HFSS_JM_SQLITE_SYNCHRONOUS: SYNCHRONOUS };
      if (PROFILE_DIR) Object.assign(env, { NODE_OPTIONS: `--require ${PROFILE_PRELOAD}`, CPU_PROF_DIR: PROFILE_DIR });
      const service = await startServiceProcess(dataDir, env);
      const timed = async (requests: number, path: (i: number) => string, method = 'GET', body?: (i: number) => unknown) => {
        const check = await http(`${service.url}${path(0)}`, method, body?.(0));
        if (check.status !== 200) throw new Error(`${path(0)} answered ${check.status}: ${check.text.slice(0, 200)}`);
        await load(20, 1, (i) => http(`${service.url}${path(i)}`, method, body?.(i)).then(() => undefined));
        const cpuBefore = cpuMs(service.child.pid!);
        const run = await load(requests, 1, async (i) => {
          const answer = await http(`${service.url}${path(i)}`, method, body?.(i));
          if (answer.status !== 200) throw new Error(`${path(i)} answered ${answer.status}: ${answer.text.slice(0, 200)}`);
        });
        // The service's own CPU time per request (all its threads): what the machine's other load does not change.
        const cpuPerRequest = Math.round(((cpuMs(service.child.pid!) - cpuBefore) / requests) * 1000) / 1000;
        return { ...summary(run.latencies), service_cpu_ms: cpuPerRequest, bytes: check.text.length };
      };
      // Queued jobs are job_1 … job_<queued> (bench/big-store.ts).
      const someJob = (i: number) => `job_${1 + ((i * 7919) % queued)}`;
      const figures = {
        baseline_health_ms: await timed(300, () => '/health'),
        list_500_ms: await timed(300, () => '/jobs?limit=500'),
        get_queue_ms: await timed(300, () => '/queue'),
        get_job_ms: await timed(300, (i) => `/jobs/${someJob(i)}`),
        change_priority_ms: await timed(
          300,
          (i) => `/jobs/${someJob(i)}/priority`,
          'POST',
          (i) => ({ priority: (i % 50) - 25 }),
        ),
        baseline_health_after_ms: await timed(300, () => '/health'),
      };
      report(`per-job-reads-${queued}`, { queued, synchronous: SYNCHRONOUS, ...figures });
      if (PROFILE_DIR) await writeProfile(service.child.pid!, PROFILE_DIR);
      service.child.kill('SIGKILL');
      await service.exited;
    }
  } finally {
    await stopServiceProcesses();
    dirs.forEach(removeDir);
  }
});

/** Asks the profiled service for its profile (SIGUSR2) and waits until the file is there. */
async function writeProfile(pid: number, dir: string): Promise<void> {
  process.kill(pid, 'SIGUSR2');
  const file = join(dir, `service-${pid}.cpuprofile`);
  await waitFor(async () => (existsSync(file) ? true : undefined), 10_000, `the CPU profile ${file}`);
}
