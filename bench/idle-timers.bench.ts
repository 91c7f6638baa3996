import { performance } from 'node:perf_hooks';
import { createSystemInformation } from '../src/resources/system-information.provider';
import { removeDir, startTestApp } from '../test/support/test-app';
import { eventLoopDelayDuring, report, summary } from './bench-support';

// Target: no periodic loop blocks — telemetry reads without spawning a shell; no timer callback over 5 ms in a
// 60 s idle trace (BENCH_IDLE_SECONDS shortens it). The service runs in this process with its real host readers,
// sampling every 100 ms (50× the default rate, so that a short trace holds many samples); the baseline is this
// same process's loop idle for as long before the service starts.
it('idle service: event-loop blocks and cost per telemetry sample', async () => {
  const seconds = Number(process.env.BENCH_IDLE_SECONDS ?? 60);
  const baseline = await eventLoopDelayDuring(() => new Promise((resolve) => setTimeout(resolve, seconds * 1000)));
  const host = createSystemInformation();
  const sampleMs: number[] = [];
  for (let i = 0; i < 200; i++) {
    const t0 = performance.now();
    await Promise.all([host.currentLoad(), host.mem(), host.diskSpace(__dirname)]);
    sampleMs.push(performance.now() - t0);
  }
  const harness = await startTestApp({
    realTelemetry: true,
    env: { HFSS_JM_TELEMETRY_INTERVAL_MS: '100', HFSS_JM_LOG_LEVEL: 'error', HFSS_JM_MAX_CPU_PERCENT: '100', HFSS_JM_MIN_FREE_MEMORY_MB: '0', HFSS_JM_MIN_FREE_DISK_MB: '0' },
  });
  try {
    const idle = await eventLoopDelayDuring(() => new Promise((resolve) => setTimeout(resolve, seconds * 1000)));
    const round = (value: number): number => Math.round(value * 100) / 100;
    report('idle-timers', {
      trace_seconds: seconds,
      telemetry_interval_ms: 100,
      event_loop_delay_ms_idle_service: { p99: round(idle.p99), max: round(idle.max) },
      event_loop_delay_ms_baseline_bare_loop: { p99: round(baseline.p99), max: round(baseline.max) },
      one_sample_wall_ms: summary(sampleMs),
    });
  } finally {
    await harness.close();
    removeDir(harness.dataDir);
  }
});
