import { LocalProcessBackend } from '../src/scheduler/backends/local/local-process.backend';
import { SCHEDULER_BACKENDS } from '../src/scheduler/scheduler.constants';
import { FakeClusterBackend } from './fakes/fake-cluster-backend';
import { apiClient, waitFor } from './support/http';
import { startServiceProcess, stopServiceProcesses } from './support/service-process';
import { makeTempDir, removeDir, startTestApp, writeProject } from './support/test-app';

/** `name{labels} value` samples of a Prometheus text exposition. */
function samples(text: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^([a-z_:]+(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (match) values.set(match[1], Number(match[2]));
  }
  return values;
}

describe('observability: /metrics and structured logs', () => {
  const dirs: string[] = [];
  afterEach(async () => {
    await stopServiceProcesses();
    dirs.splice(0).forEach(removeDir);
  });

  it('should expose jobs by state, queue depth, dispatch latency and scheduler polls in Prometheus format', async () => {
    const scheduler = new FakeClusterBackend();
    const harness = await startTestApp({
      env: { HFSS_JM_SCHEDULER_POLL_INTERVAL_MS: '100', HFSS_JM_SCHEDULER_MAX_BACKOFF_MS: '200', HFSS_JM_MAX_CONCURRENT_JOBS: '1' },
      configure: (builder) =>
        builder.overrideProvider(SCHEDULER_BACKENDS).useFactory({ inject: [LocalProcessBackend], factory: (local: LocalProcessBackend) => [local, scheduler] }),
    });
    dirs.push(harness.dataDir);
    try {
      const api = apiClient(harness.url);
      const projects = makeTempDir('hfss-metrics-');
      dirs.push(projects);
      await api.submit({ jobid: 'm_done', project_path: writeProject(projects, 'a.aedt', { duration_ms: 100 }) });
      await api.waitForStatus('m_done', ['completed']);
      await api.submit({ jobid: 'm_long', project_path: writeProject(projects, 'b.aedt', { duration_ms: 60_000 }) });
      await api.submit({ jobid: 'm_waiting', project_path: writeProject(projects, 'c.aedt') });
      await api.submit({ jobid: 'm_cluster', project_path: writeProject(projects, 'd.aedt'), scheduler_type: 'slurm' });
      await waitFor(() => (scheduler.pollBatches.length >= 2 ? true : undefined), 5_000, 'two polls');
      scheduler.down = true;
      await waitFor(() => (scheduler.pollBatches.length >= 4 ? true : undefined), 5_000, 'failing polls');

      const response = await fetch(`${harness.url}/metrics`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      const text = await response.text();
      const values = samples(text);
      expect(values.get('hfss_jm_jobs{state="completed"}')).toBe(1);
      expect(values.get('hfss_jm_jobs{state="running"}')).toBe(1);
      expect(values.get('hfss_jm_jobs{state="queued"}')).toBe(1);
      expect(values.get('hfss_jm_jobs{state="scheduled"}')).toBe(1);
      expect(values.get('hfss_jm_jobs{state="failed"}')).toBe(0);
      expect(values.get('hfss_jm_queue_depth')).toBe(1);
      expect(values.get('hfss_jm_running_local_jobs')).toBe(1);
      expect(values.get('hfss_jm_tracked_cluster_jobs')).toBe(1);
      expect(values.get('hfss_jm_dispatch_latency_seconds_count')).toBe(2);
      expect(values.get('hfss_jm_dispatch_latency_seconds_sum')).toBeGreaterThan(0);
      expect(values.get('hfss_jm_scheduler_poll_duration_seconds_count{scheduler="slurm"}')).toBeGreaterThanOrEqual(2);
      expect(values.get('hfss_jm_scheduler_poll_failures_total{scheduler="slurm"}')).toBeGreaterThanOrEqual(1);
      expect(values.get('hfss_jm_job_transitions_total{status="completed"}')).toBe(1);
      expect(text).toContain('# HELP hfss_jm_process_resident_memory_bytes');
      await api.post('/jobs/m_long/cancel');
    } finally {
      await harness.close();
    }
  });

  it('should log one JSON object per line with level, time and context, and request lines without credentials', async () => {
    const dataDir = makeTempDir('hfss-logs-');
    dirs.push(dataDir);
    const service = await startServiceProcess(dataDir, { HFSS_JM_LOG_LEVEL: 'debug', HFSS_JM_API_TOKEN: 'log-test-token-0123456789' });
    await fetch(`${service.url}/jobs?status=queued`, { headers: { authorization: 'Bearer log-test-token-0123456789' } });
    await fetch(`${service.url}/queue`);
    service.child.kill('SIGTERM');
    await service.exited;
    const lines = service.output().split('\n').filter(Boolean);
    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(entries.length).toBeGreaterThan(3);
    for (const entry of entries) {
      expect(entry).toMatchObject({
        level: expect.stringMatching(/^(trace|debug|info|warn|error|fatal)$/),
        time: expect.any(String),
        service: 'hfss-job-manager',
      });
    }
    expect(entries).toEqual(
      expect.arrayContaining([expect.objectContaining({ context: 'Bootstrap', msg: expect.stringMatching(/HFSS job manager on http:\/\/127\.0\.0\.1/) })]),
    );
    const requests = entries.filter((entry) => entry.msg === 'http request');
    expect(requests).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ method: 'GET', path: '/jobs', status: 200, duration_ms: expect.any(Number) }),
        expect.objectContaining({ method: 'GET', path: '/queue', status: 401 }),
      ]),
    );
    expect(service.output()).not.toContain('log-test-token-0123456789');
    expect(service.output()).not.toContain('status=queued');
  });
});
