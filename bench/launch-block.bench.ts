import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { loadAppConfig } from '../src/config/app-config';
import { LaunchSpawnerClient } from '../src/scheduler/backends/local/launch-spawner.client';
import { launchFiles } from '../src/scheduler/backends/local/local-launch-files';
import { LocalProcessBackend, SUPERVISOR_SCRIPT } from '../src/scheduler/backends/local/local-process.backend';
import { FAKE_ANSYSEDT, makeTempDir, removeDir, writeProject } from '../test/support/test-app';
import { gcPauses, report, summary } from './bench-support';

// Target: <= 2 ms of event-loop block per local launch, independent of the service's RSS. Measured per launch, one at a
// time: `submit_busy_ms` is the event-loop time (ELU active) one LocalProcessBackend.submit takes from its call to its
// resolution (fs callbacks and the IPC message to the launch spawner included); `bare_spawn_ms`, the baseline in the
// same run and process, is one synchronous child_process.spawn of the same supervisor (what a launch cost before the
// spawner, plus its other work). Both at this process's own RSS, then again with 600 MB of buffers resident. The
// `*_cpu_ms` figures are this process's CPU time over the same spans (all threads: an upper bound for the loop's
// share), which a loaded machine inflates less than wall time.
const LAUNCHES = 20;

async function until(probe: () => boolean, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** The GC pauses of this process during the bench. */
const pauses = gcPauses();

/**
 * Event-loop active time (wall ms), this process's CPU time (ms, every thread) and the GC pauses (ms) while `work`
 * runs. The GC is the process's own (Jest's and the ballast's allocations), not the launch's, so it is reported apart.
 */
async function cost(work: () => Promise<void>): Promise<{ active: number; cpu: number; gc: number }> {
  const before = performance.eventLoopUtilization();
  const cpuBefore = process.cpuUsage();
  const from = performance.now();
  await work();
  const to = performance.now();
  const cpu = process.cpuUsage(cpuBefore);
  const active = performance.eventLoopUtilization(before).active;
  // GC entries are delivered after the fact: give the observer a turn before reading them.
  await new Promise((resolve) => setImmediate(resolve));
  return { active, cpu: (cpu.user + cpu.system) / 1000, gc: pauses.within(from, to) };
}

/** Times the synchronous part of each hand-over to the spawner (the IPC send): the only child-process call of a launch. */
function timeSends(backend: LocalProcessBackend, samples: number[]): void {
  const spawner = (backend as unknown as { spawner: LaunchSpawnerClient }).spawner;
  const launch = spawner.launch.bind(spawner);
  spawner.launch = (path: string, content: string) => {
    const t0 = performance.now();
    const answer = launch(path, content);
    samples.push(performance.now() - t0);
    return answer;
  };
}

async function measure(backend: LocalProcessBackend, root: string, project: string, label: string, launches = LAUNCHES): Promise<Record<string, unknown>> {
  const argv = [FAKE_ANSYSEDT, '-ng', '-batchsolve', project];
  const sends: number[] = [];
  timeSends(backend, sends);
  const busy: number[] = [];
  const busyCpu: number[] = [];
  const gc: number[] = [];
  const bare: number[] = [];
  const bareCpu: number[] = [];
  for (let i = 0; i < launches; i++) {
    const workDir = join(root, `${label}-spawner-${i}`);
    let exitFile = '';
    const launch = await cost(async () => {
      const ref = await backend.submit({ jobId: `s${i}`, config: {} as never, argv, workDir, logPath: join(workDir, 'log') });
      exitFile = launchFiles(ref.workDir, 1).exit;
    });
    busy.push(launch.active);
    busyCpu.push(launch.cpu);
    gc.push(launch.gc);
    await until(() => existsSync(exitFile));

    const bareDir = join(root, `${label}-bare-${i}`);
    const files = launchFiles(bareDir, 1);
    mkdirSync(files.dir, { recursive: true });
    writeFileSync(files.launch, JSON.stringify({ argv, cwd: bareDir, logPath: join(bareDir, 'log'), files }));
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const child = spawn(process.execPath, [SUPERVISOR_SCRIPT, files.launch], { cwd: bareDir, detached: true, stdio: 'ignore' });
    const cpu1 = process.cpuUsage(cpu0);
    bare.push(performance.now() - t0);
    bareCpu.push((cpu1.user + cpu1.system) / 1000);
    child.unref();
    await until(() => existsSync(files.exit));
  }
  return {
    rss_mb: Math.round(process.memoryUsage().rss / 2 ** 20),
    submit_busy_ms: summary(busy),
    submit_cpu_ms: summary(busyCpu),
    gc_during_submit_ms: summary(gc),
    submit_busy_without_gc_ms: summary(busy.map((active, i) => Math.max(0, active - gc[i]))),
    spawner_send_sync_ms: summary(sends),
    bare_spawn_ms: summary(bare),
    bare_spawn_cpu_ms: summary(bareCpu),
  };
}

it('event-loop block per local launch, at two RSS sizes, next to a bare spawn', async () => {
  const root = makeTempDir('bench-launch-');
  const project = writeProject(root, 'p.aedt', { duration_ms: 10, spawn_child: false, progress_steps: 1 });
  const backend = new LocalProcessBackend(loadAppConfig({ HFSS_JM_DATA_DIR: root, HFSS_JM_LOG_LEVEL: 'error' }), new EventEmitter2());
  backend.onApplicationBootstrap();
  pauses.start();
  try {
    await measure(backend, root, project, 'warmup');
    const small = await measure(backend, root, project, 'small');
    const ballast = Array.from({ length: 60 }, () => Buffer.alloc(10 * 2 ** 20, 1));
    // V8 answers 600 MB of new external memory with a full collection (concurrent marking, then pauses): ~45 ms of
    // CPU and ~25 ms of loop time, landing in whatever runs next. That is the ballast's cost, not a launch's, so the
    // launches right after it are reported apart and the 20 measured ones start once it is over.
    const afterBallast = await measure(backend, root, project, 'after-ballast', 3);
    const large = await measure(backend, root, project, 'large');
    report('launch-block', { launches_per_size: LAUNCHES, at_own_rss: small, first_3_after_ballast: afterBallast, with_600mb_ballast: large });
    expect(ballast.length).toBe(60);
  } finally {
    pauses.stop();
    backend.onApplicationShutdown();
    removeDir(root);
  }
});
