import { copyFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { CURRENT_SCHEMA_VERSION } from '../src/jobs/persistence/migrations';
import { runServiceUntilExit, startServiceProcess, useServiceSandbox } from './support/service-process';

const STORE_0_1_0 = resolve(__dirname, 'fixtures/store-0.1.0/jobs.sqlite');

describe('schema versions at boot (the built service as a real process)', () => {
  const sandbox = useServiceSandbox();

  it('should upgrade a 0.1.0 store and serve its jobs as they were', async () => {
    copyFileSync(STORE_0_1_0, join(sandbox.dataDir, 'jobs.sqlite'));
    // No admission, so the two queued jobs stay queued.
    const service = await startServiceProcess(sandbox.dataDir, { HFSS_JM_MIN_FREE_MEMORY_MB: '16777216' });
    const list = (await (await fetch(`${service.url}/jobs?limit=10`)).json()) as { total: number; jobs: Array<{ jobid: string; status: string }> };
    expect(list.total).toBe(5);
    const queue = (await (await fetch(`${service.url}/queue`)).json()) as { queued: number; next: Array<{ job_id: string }> };
    expect(queue.queued).toBe(2);
    expect(queue.next.map((entry) => entry.job_id)).toEqual(['fixture_queued_high', 'fixture_queued_low']);
    const failed = (await (await fetch(`${service.url}/jobs/fixture_failed`)).json()) as { status: string; exit_code: number };
    expect(failed).toMatchObject({ status: 'failed', exit_code: 3 });
    service.child.kill('SIGTERM');
    await service.exited;
    const db = new Database(join(sandbox.dataDir, 'jobs.sqlite'), { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(CURRENT_SCHEMA_VERSION);
    db.close();
  });

  it('should refuse to boot on a store written by a newer release, exiting non-zero with a message saying so', async () => {
    const newer = CURRENT_SCHEMA_VERSION + 1;
    const db = new Database(join(sandbox.dataDir, 'jobs.sqlite'));
    db.pragma(`user_version = ${newer}`);
    db.close();
    const { code, output } = await runServiceUntilExit(sandbox.dataDir);
    expect(code).toBe(1);
    expect(output).toContain(`has schema version ${newer}, written by a newer hfss-job-manager; this release reads versions up to ${CURRENT_SCHEMA_VERSION}`);
    expect(output).toContain('Run the newer release, or restore a backup made by this one.');
  });
});
