import { startServiceProcess, stopServiceProcesses } from '../test/support/service-process';
import { makeTempDir, removeDir, writeProject } from '../test/support/test-app';
import { http, load, report, summary } from './bench-support';
import { generateBigStore, HELD } from './big-store';

// Target: /metrics and a status-filtered list (GET /jobs?status=completed) <= 10 ms with 1,000,000 finished jobs,
// and GET /jobs?limit=500 <= 10 ms with 100,000 queued. Baseline in the same run: GET /health of the same process.
it('metrics and job lists with 1,000,000 finished and 100,000 queued jobs', async () => {
  const projects = makeTempDir('bench-history-projects-');
  const project = writeProject(projects, 'h.aedt', { duration_ms: 600_000 });
  const dataDir = makeTempDir('bench-history-');
  try {
    await generateBigStore(dataDir, project, { finished: 1_000_000, queued: 100_000 });
    const service = await startServiceProcess(dataDir, HELD);
    const timed = async (path: string, requests = 100) => {
      const check = await http(`${service.url}${path}`);
      if (check.status !== 200) throw new Error(`${path} answered ${check.status}: ${check.text.slice(0, 200)}`);
      await load(10, 1, () => http(`${service.url}${path}`).then(() => undefined));
      return { ...summary((await load(requests, 1, () => http(`${service.url}${path}`).then(() => undefined))).latencies), bytes: check.text.length };
    };
    const figures = {
      stored_jobs: { finished: 1_000_000, queued: 100_000 },
      metrics_ms: await timed('/metrics'),
      status_completed_list_ms: await timed('/jobs?status=completed'),
      status_failed_list_offset_ms: await timed('/jobs?status=failed&offset=50000'),
      list_500_ms: await timed('/jobs?limit=500'),
      baseline_health_ms: await timed('/health'),
    };
    report('history-1m', figures);
  } finally {
    await stopServiceProcesses();
    [projects, dataDir].forEach(removeDir);
  }
});
