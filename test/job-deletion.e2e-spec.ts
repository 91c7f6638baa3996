import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { JobRetentionService } from '../src/jobs/retention/job-retention.service';
import { apiClient, waitFor } from './support/http';
import { makeTempDir, removeDir, startTestApp, TestApp, writeProject } from './support/test-app';

const DAY_MS = 86_400_000;

describe('DELETE /jobs/{id} and the retention policy', () => {
  let projects: string;

  beforeAll(() => {
    projects = makeTempDir('job-deletion-');
  });
  afterAll(() => removeDir(projects));

  const run = async (api: ReturnType<typeof apiClient>, jobid: string, behaviour: Record<string, unknown> = {}): Promise<any> => {
    const project = writeProject(projects, `${jobid}.aedt`, { duration_ms: 50, spawn_child: false, ...behaviour });
    expect((await api.submit({ jobid, project_path: project })).status).toBe(201);
    return api.waitForStatus(jobid, ['completed', 'failed', 'cancelled', 'timed_out'], 30_000);
  };

  describe('DELETE', () => {
    let harness: TestApp;
    let api: ReturnType<typeof apiClient>;
    beforeAll(async () => {
      harness = await startTestApp();
      api = apiClient(harness.url);
    });
    afterAll(async () => {
      await harness.close();
      removeDir(harness.dataDir);
    });

    it('should delete a finished job: its row, its events and its work dir; the jobid can then be used again', async () => {
      await run(api, 'del_1', { exit_code: 3 });
      const workDir = join(harness.dataDir, 'jobs', 'del_1');
      expect(existsSync(workDir)).toBe(true);
      const deleted = await api.delete('/jobs/del_1');
      expect(deleted).toEqual({ status: 200, body: expect.objectContaining({ success: true, job_id: 'del_1', files_kept: false }) });
      expect((await api.job('del_1')).status).toBe(404);
      expect((await api.get('/jobs/del_1/events')).status).toBe(404);
      expect(existsSync(workDir)).toBe(false);
      expect((await api.delete('/jobs/del_1')).body).toMatchObject({ success: false, code: 'JOB_NOT_FOUND' });
      const again = await run(api, 'del_1');
      expect(again.status).toBe('completed');
      const events = (await api.get('/jobs/del_1/events')).body;
      expect(events.items.map((event: { status: string }) => event.status)).not.toContain('failed');
    });

    it('should keep the files with keep_files=true', async () => {
      await run(api, 'del_2');
      expect((await api.delete('/jobs/del_2?keep_files=true')).body).toMatchObject({ success: true, files_kept: true });
      expect((await api.job('del_2')).status).toBe(404);
      expect(existsSync(join(harness.dataDir, 'jobs', 'del_2', 'solver.log'))).toBe(true);
    });

    it('should refuse an active job with 409 and leave it running', async () => {
      const project = writeProject(projects, 'del_3.aedt', { duration_ms: 60_000, spawn_child: false });
      expect((await api.submit({ jobid: 'del_3', project_path: project })).status).toBe(201);
      await api.waitForStatus('del_3', ['running']);
      const refused = await api.delete('/jobs/del_3');
      expect(refused).toEqual({ status: 409, body: expect.objectContaining({ success: false, code: 'JOB_STATE_CONFLICT' }) });
      expect((await api.job('del_3')).body.status).toBe('running');
      await api.post('/jobs/del_3/cancel');
      await api.waitForStatus('del_3', ['cancelled']);
      expect((await api.delete('/jobs/del_3')).status).toBe(200);
    });

    it('should refuse a keep_files that is not true or false', async () => {
      await run(api, 'del_4');
      expect((await api.delete('/jobs/del_4?keep_files=yes')).body).toMatchObject({ success: false, code: 'VALIDATION_FAILED' });
      expect((await api.job('del_4')).status).toBe(200);
    });
  });

  describe('retention', () => {
    it('should keep only the newest HFSS_JM_RETENTION_MAX_JOBS terminal jobs, pruning in the background', async () => {
      const harness = await startTestApp({ env: { HFSS_JM_RETENTION_MAX_JOBS: '2', HFSS_JM_RETENTION_INTERVAL_MS: '200' } });
      const api = apiClient(harness.url);
      try {
        for (const jobid of ['keep_1', 'keep_2', 'keep_3', 'keep_4']) await run(api, jobid);
        await waitFor(async () => (await api.get('/jobs')).body.total === 2, 30_000, 'retention to prune to 2 jobs');
        const ids = (await api.get('/jobs')).body.items.map((job: { job_id: string }) => job.job_id);
        expect(ids.sort()).toEqual(['keep_3', 'keep_4']);
        expect(existsSync(join(harness.dataDir, 'jobs', 'keep_1'))).toBe(false);
        expect(existsSync(join(harness.dataDir, 'jobs', 'keep_4', 'solver.log'))).toBe(true);
      } finally {
        await harness.close();
        removeDir(harness.dataDir);
      }
    });

    it('should delete terminal jobs older than HFSS_JM_RETENTION_DAYS in batches, and never an active one', async () => {
      const harness = await startTestApp({ env: { HFSS_JM_RETENTION_DAYS: '1', HFSS_JM_RETENTION_INTERVAL_MS: '86400000' } });
      const api = apiClient(harness.url);
      try {
        const total = 45; // more than two batches of RETENTION_BATCH_SIZE
        for (let i = 0; i < total; i++) await run(api, `old_${i}`);
        const project = writeProject(projects, 'active.aedt', { duration_ms: 60_000, spawn_child: false });
        await api.submit({ jobid: 'active', project_path: project });
        await api.waitForStatus('active', ['running']);
        const retention = harness.app.get(JobRetentionService);
        expect(await retention.runOnce(Date.now())).toBe(0);
        expect(await retention.runOnce(Date.now() + 2 * DAY_MS)).toBe(total);
        expect((await api.get('/jobs')).body.items.map((job: { job_id: string }) => job.job_id)).toEqual(['active']);
        await api.post('/jobs/active/cancel');
        await api.waitForStatus('active', ['cancelled']);
      } finally {
        await harness.close();
        removeDir(harness.dataDir);
      }
    }, 120_000);
  });
});
