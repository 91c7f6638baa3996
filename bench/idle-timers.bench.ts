import { createHook } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';
import { createSystemInformation } from '../src/resources/system-information.provider';
import { removeDir, startTestApp } from '../test/support/test-app';
import { eventLoopDelayDuring, gcPauses, report, summary } from './bench-support';

// Target: no periodic loop blocks — telemetry reads without spawning a process; no timer callback over 5 ms in a
// 60 s idle trace (BENCH_IDLE_SECONDS shortens it). The service runs in this process with its real host readers and
// the production intervals (telemetry 5 s, local poll 1 s, progress scan 1 s; the retention sweep has no timer unless a
// retention limit is set, which the default does not: its interval is shortened to 10 s here all the same). Every callback this process runs is timed (async_hooks
// before/after, outermost callbacks only: a timer's, an fs or socket completion's, a promise continuation's), wall
// time and this process's CPU time (all threads: an upper bound). Timers are named by where they were set. The baseline
// is the same trace of this process's loop idle for as long before the service starts; `processes_started` counts the
// child processes the service started during its trace (telemetry must start none).
const SLOW_MS = 5;

interface Kind {
  count: number;
  maxWallMs: number;
  maxCpuMs: number;
  over5ms: number;
}

interface SlowCallback {
  kind: string;
  wallMs: number;
  cpuMs: number;
  /** V8's GC pauses inside the callback's span: the process's, landing in whatever callback ran then. */
  gcMs: number;
}

type Trace = {
  kinds: Record<string, Kind>;
  /** Every callback over SLOW_MS, and those still over it without the GC inside them. */
  over5ms: number;
  over5msWithoutGc: number;
  slowest: SlowCallback[];
};

/** Times every outermost callback from `enable()` on; `take()` returns what was timed since the last `take()`. */
function callbackTracer(): { enable: () => void; disable: () => void; take: () => Promise<Trace> } {
  const sites = new Map<number, string>();
  const pauses = gcPauses();
  let kinds = new Map<string, Kind>();
  let slow: Array<{ kind: string; t0: number; wallMs: number; cpuMs: number }> = [];
  let depth = 0;
  let current: { id: number; t0: number; cpu0: NodeJS.CpuUsage } | undefined;
  const siteOf = (type: string): string => {
    if (type !== 'Timeout' && type !== 'Immediate') return type;
    const frame = new Error().stack?.split('\n').find((line) => /[/\\](src|node_modules[/\\]@nestjs)[/\\]/.test(line) && !line.includes('async_hooks'));
    const where = frame?.match(/\(?([^()\s]+):(\d+):\d+\)?$/);
    return where ? `${type} ${where[1].replace(/^.*[/\\](src|node_modules)[/\\]/, '$1/')}:${where[2]}` : `${type} (bench or node)`;
  };
  const stackLimit = Error.stackTraceLimit;
  const hook = createHook({
    init: (id, type) => sites.set(id, siteOf(type)),
    before: (id) => {
      if (depth++ === 0 && sites.has(id)) current = { id, t0: performance.now(), cpu0: process.cpuUsage() };
    },
    after: (id) => {
      // The callback that enabled the hook ends with an `after` of its own: never below 0.
      if (depth === 0 || --depth !== 0 || current?.id !== id) return;
      const wallMs = performance.now() - current.t0;
      const cpu = process.cpuUsage(current.cpu0);
      const cpuMs = (cpu.user + cpu.system) / 1000;
      const kind = sites.get(id)!;
      const entry = kinds.get(kind) ?? { count: 0, maxWallMs: 0, maxCpuMs: 0, over5ms: 0 };
      entry.count++;
      entry.maxWallMs = Math.max(entry.maxWallMs, Math.round(wallMs * 100) / 100);
      entry.maxCpuMs = Math.max(entry.maxCpuMs, Math.round(cpuMs * 100) / 100);
      if (wallMs > SLOW_MS) {
        entry.over5ms++;
        slow.push({ kind, t0: current.t0, wallMs, cpuMs });
      }
      kinds.set(kind, entry);
      current = undefined;
    },
    destroy: (id) => sites.delete(id),
  });
  return {
    enable: () => {
      Error.stackTraceLimit = 40;
      pauses.start();
      hook.enable();
    },
    disable: () => {
      hook.disable();
      pauses.stop();
      Error.stackTraceLimit = stackLimit;
    },
    take: async () => {
      // GC entries are delivered after the fact: one turn for the observer first.
      await new Promise((resolve) => setImmediate(resolve));
      const round = (value: number): number => Math.round(value * 100) / 100;
      const timed = slow.map(({ kind, t0, wallMs, cpuMs }) => ({
        kind,
        wallMs: round(wallMs),
        cpuMs: round(cpuMs),
        gcMs: round(pauses.within(t0, t0 + wallMs)),
      }));
      const trace = {
        kinds: Object.fromEntries([...kinds].sort((x, y) => y[1].maxWallMs - x[1].maxWallMs)),
        over5ms: timed.length,
        over5msWithoutGc: timed.filter((callback) => callback.wallMs - callback.gcMs > SLOW_MS).length,
        slowest: timed.sort((x, y) => y.wallMs - x.wallMs).slice(0, 10),
      };
      kinds = new Map();
      slow = [];
      return trace;
    },
  };
}

/** Counts the child processes this process starts while `work` runs (child_process.spawn underlies every other call). */
async function countSpawns(work: () => Promise<void>): Promise<number> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const childProcess = require('node:child_process') as typeof import('node:child_process');
  const prototype = childProcess.ChildProcess.prototype as unknown as { spawn: (...args: unknown[]) => unknown };
  const original = prototype.spawn;
  let count = 0;
  prototype.spawn = function (this: unknown, ...args: unknown[]) {
    count++;
    return original.apply(this, args);
  };
  try {
    await work();
  } finally {
    prototype.spawn = original;
  }
  return count;
}

it('idle service: every callback timed, and the cost of one telemetry sample', async () => {
  const seconds = Number(process.env.BENCH_IDLE_SECONDS ?? 60);
  const wait = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const tracer = callbackTracer();
  tracer.enable();
  await wait();
  const baseline = await tracer.take();
  const host = createSystemInformation();
  const sampleMs: number[] = [];
  for (let i = 0; i < 200; i++) {
    const t0 = performance.now();
    await Promise.all([host.currentLoad(), host.mem(), host.diskSpace(__dirname)]);
    sampleMs.push(performance.now() - t0);
  }
  const harness = await startTestApp({
    realTelemetry: true,
    env: {
      HFSS_JM_TELEMETRY_INTERVAL_MS: '5000',
      HFSS_JM_LOCAL_POLL_INTERVAL_MS: '1000',
      HFSS_JM_SQLITE_SYNCHRONOUS: 'full',
      HFSS_JM_RETENTION_INTERVAL_MS: '10000',
      HFSS_JM_LOG_LEVEL: 'error',
    },
  });
  try {
    let delay = { p99: 0, max: 0 };
    await tracer.take();
    const processes = await countSpawns(async () => {
      delay = await eventLoopDelayDuring(wait);
    });
    const service = await tracer.take();
    const round = (value: number): number => Math.round(value * 100) / 100;
    report('idle-timers', {
      trace_seconds: seconds,
      // The service shares this process (and its heap, hence its GC) with Jest and the bench.
      heap_used_mb: Math.round(process.memoryUsage().heapUsed / 2 ** 20),
      service: {
        callbacks_over_5ms: service.over5ms,
        callbacks_over_5ms_without_gc: service.over5msWithoutGc,
        slowest: service.slowest,
        by_kind: service.kinds,
        processes_started: processes,
        event_loop_delay_ms: { p99: round(delay.p99), max: round(delay.max) },
      },
      baseline_bare_loop: {
        callbacks_over_5ms: baseline.over5ms,
        callbacks_over_5ms_without_gc: baseline.over5msWithoutGc,
        slowest: baseline.slowest,
        by_kind: baseline.kinds,
      },
      one_telemetry_sample_wall_ms: summary(sampleMs),
    });
  } finally {
    tracer.disable();
    await harness.close();
    removeDir(harness.dataDir);
  }
});
