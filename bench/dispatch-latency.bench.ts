import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readRunRecords } from '../test/support/http';
import { FAKE_ANSYSEDT, makeTempDir, removeDir, startTestApp, writeProject } from '../test/support/test-app';
import { eventLoopDelayDuring, report, summary } from './bench-support';

// Target: from a free slot to the next solver's start p50 <= 50 ms (the event-loop block per launch: launch-block.bench.ts).
// With max_concurrent_jobs 1, job n+1 can start only when job n ended: start(n+1) - end(n), both taken from the
// fake solver's own records, is the dispatch latency including exit detection. The service runs in this process
// so that its event loop can be observed; the baseline is the same loop idle for as long. `solver_exec` is taken from
// solver.json (the supervisor's record of the solver's spawn), before the fake solver's own Node start; the baseline
// `fake_solver_boot_ms` is that start alone: a bare spawn of the fake solver to its first record, in the same run.

/** Milliseconds from a bare spawn of the fake solver to its own start record. */
async function fakeSolverBoot(dir: string, index: number): Promise<number> {
  const project = writeProject(dir, `boot_${index}.aedt`, { duration_ms: 0, spawn_child: false, progress_steps: 1 });
  const spawnedAt = Date.now();
  const child = spawn(FAKE_ANSYSEDT, ['-ng', '-batchsolve', project], { stdio: 'ignore' });
  await new Promise((resolve) => child.on('exit', resolve));
  return (readRunRecords(`${project}.runs`).find((e) => e.event === 'start')!.at as number) - spawnedAt;
}

/** A record of the job's only launch: solver.json (the solver's spawn), supervisor.json (the launch reached a supervisor), exit.json. */
function launchRecordAt(workDir: string, file: 'solver.json' | 'supervisor.json' | 'exit.json'): number {
  const launch = readdirSync(workDir).find((name) => name.startsWith('launch-'))!;
  const record = JSON.parse(readFileSync(join(workDir, launch, file), 'utf8')) as { startedAt?: number; endedAt?: number };
  return (record.startedAt ?? record.endedAt)!;
}
it('dispatch latency and event-loop block per launch', async () => {
  const harness = await startTestApp({ env: { HFSS_JM_MAX_CONCURRENT_JOBS: '1', HFSS_JM_LOG_LEVEL: 'error', HFSS_JM_LOCAL_POLL_INTERVAL_MS: '1000' } });
  const projects = makeTempDir('bench-dispatch-');
  const jobs = 40;
  try {
    const idle = await eventLoopDelayDuring(() => new Promise((resolve) => setTimeout(resolve, 3000)));
    const during = await eventLoopDelayDuring(async () => {
      for (let i = 0; i < jobs; i++) {
        await fetch(`${harness.url}/jobs/submit`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            jobid: `d_${i}`,
            project_path: writeProject(projects, `d_${i}.aedt`, { duration_ms: 50, spawn_child: false, progress_steps: 1 }),
          }),
        });
      }
      for (;;) {
        const body = (await (await fetch(`${harness.url}/queue`)).json()) as { queued: number; running: number };
        if (body.queued === 0 && body.running === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    });
    const records = Array.from({ length: jobs }, (_, i) => readRunRecords(`${projects}/d_${i}.aedt.runs`));
    const starts = records.map((r) => r.find((e) => e.event === 'start')!.at as number);
    const ends = records.map((r) => r.find((e) => e.event === 'end')!.at as number);
    const order = starts.map((at, i) => ({ at, i })).sort((a, b) => a.at - b.at);
    const latencies = order.slice(1).map(({ at }, k) => at - ends[order[k].i]);
    const jobsDir = join(harness.dataDir, 'jobs');
    const dirOf = (i: number): string => join(jobsDir, `d_${i}`);
    const execs = order.slice(1).map(({ i }, k) => launchRecordAt(dirOf(i), 'solver.json') - ends[order[k].i]);
    // The hand-over in parts: the solver's own exit (its end record to its supervisor's exit.json), the service's part
    // (that exit.json to the next supervisor's supervisor.json: exit notice, store writes, re-check, launch files, IPC),
    // and the supervisor's own (supervisor.json to the solver's exec: its lock, log, spawn).
    const solverExit = order.slice(1).map((_, k) => launchRecordAt(dirOf(order[k].i), 'exit.json') - ends[order[k].i]);
    const service = order.slice(1).map(({ i }, k) => launchRecordAt(dirOf(i), 'supervisor.json') - launchRecordAt(dirOf(order[k].i), 'exit.json'));
    const supervisor = order.slice(1).map(({ i }) => launchRecordAt(dirOf(i), 'solver.json') - launchRecordAt(dirOf(i), 'supervisor.json'));
    const boots: number[] = [];
    for (let i = 0; i < 10; i++) boots.push(await fakeSolverBoot(projects, i));
    report('dispatch-latency', {
      jobs,
      slot_free_to_solver_start_ms: summary(latencies),
      slot_free_to_solver_exec_ms: summary(execs),
      parts_ms: {
        solver_end_to_exit_json: summary(solverExit),
        exit_json_to_next_supervisor: summary(service),
        supervisor_to_solver_exec: summary(supervisor),
      },
      fake_solver_boot_ms_baseline: summary(boots),
      event_loop_delay_ms_during_launches: { p99: Math.round(during.p99 * 100) / 100, max: Math.round(during.max * 100) / 100 },
      event_loop_delay_ms_idle_baseline: { p99: Math.round(idle.p99 * 100) / 100, max: Math.round(idle.max * 100) / 100 },
    });
  } finally {
    await harness.close();
    removeDir(harness.dataDir);
    removeDir(projects);
  }
});
