import { join } from 'node:path';
import Database from 'better-sqlite3';
import { readRunRecords, waitFor } from './support/http';
import { startServiceProcess, useServiceSandbox } from './support/service-process';
import { writeProject } from './support/test-app';

const TERMINAL = ['completed', 'failed', 'cancelled', 'timed_out'];

/** mulberry32, seeded: the same kill moments on every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('retry under SIGKILL (real service processes): every attempt runs exactly once', () => {
  const sandbox = useServiceSandbox();

  it('should start the solver once per recorded attempt and end each attempt once, whatever moment the service dies', async () => {
    const next = random(Number(process.env.RETRY_CRASH_SEED ?? 11));
    const project = writeProject(sandbox.projects, 'crash_retry.aedt', { duration_ms: 100, spawn_child: false, exit_code: 3 });
    const steer = () => writeProject(sandbox.projects, 'crash_retry.aedt', { duration_ms: 200 + Math.floor(next() * 800), spawn_child: false, exit_code: 3 });
    let service = await startServiceProcess(sandbox.dataDir);
    const body = JSON.stringify({ jobid: 'crash_retry', project_path: project });
    expect((await fetch(`${service.url}/jobs/submit`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })).status).toBe(201);
    const terminal = async (url: string) =>
      waitFor(
        async () => {
          const job = (await (await fetch(`${url}/jobs/crash_retry`)).json()) as { status: string };
          return TERMINAL.includes(job.status) ? job : undefined;
        },
        60_000,
        'crash_retry to end',
      );
    await terminal(service.url);

    const rounds = 6;
    for (let round = 0; round < rounds; round++) {
      steer();
      const retry = fetch(`${service.url}/jobs/crash_retry/retry`, { method: 'POST' }).catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, Math.floor(next() * 1_200)));
      service.child.kill('SIGKILL');
      await service.exited;
      await retry;
      service = await startServiceProcess(sandbox.dataDir);
      await terminal(service.url);
    }

    const attempts = (await (await fetch(`${service.url}/jobs/crash_retry/attempts`)).json()) as {
      current_attempt: number;
      items: Array<{ exit_code: number }>;
    };
    const starts = readRunRecords(`${project}.runs`).filter((entry) => entry.event === 'start');
    expect(attempts.current_attempt).toBeGreaterThan(1);
    expect(starts).toHaveLength(attempts.current_attempt);
    expect(attempts.items.map((item) => item.exit_code)).toEqual(Array.from({ length: attempts.current_attempt }, () => 3));
    service.child.kill('SIGKILL');
    await service.exited;
    const db = new Database(join(sandbox.dataDir, 'jobs.sqlite'), { readonly: true });
    try {
      const ended = db
        .prepare(
          `SELECT COUNT(*) AS n FROM job_events WHERE job_id = ? AND status IN ('completed','failed','cancelled','timed_out') AND detail NOT LIKE 'retry:%'`,
        )
        .get('crash_retry') as { n: number };
      expect(ended.n).toBe(attempts.current_attempt);
    } finally {
      db.close();
    }
  }, 300_000);
});
