import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { io, Socket } from 'socket.io-client';
import type { JobManagerEvent } from '../src/gateway/job-events.contract';
import { JobRecord } from '../src/jobs/model/job-record';
import { JobRepository } from '../src/jobs/persistence/job.repository';
import { apiClient, waitFor } from './support/http';
import { makeTempDir, removeDir, startTestApp, TestApp, writeProject } from './support/test-app';

describe('POST /jobs/submit-batch', () => {
  let harness: TestApp;
  let api: ReturnType<typeof apiClient>;
  let projects: string;
  let project: string;
  const sockets: Socket[] = [];

  beforeEach(async () => {
    harness = await startTestApp({ env: { HFSS_JM_MAX_CONCURRENT_JOBS: '1' } });
    api = apiClient(harness.url);
    projects = makeTempDir('hfss-batch-projects-');
    project = writeProject(projects, 'p.aedt', { duration_ms: 60_000 });
  });

  afterEach(async () => {
    sockets.splice(0).forEach((socket) => socket.disconnect());
    await harness.close();
    removeDir(harness.dataDir);
    removeDir(projects);
  });

  it('answers every item in request order: accepted, duplicate, or rejected with the single submit code', async () => {
    expect((await api.submit({ jobid: 'old_same', project_path: project })).status).toBe(201);
    expect((await api.submit({ jobid: 'old_other', project_path: project })).status).toBe(201);
    const response = await api.post('/jobs/submit-batch', {
      jobs: [
        { jobid: 'b_1', project_path: project, priority: 5 },
        { jobid: 'b_bad', project_path: project, colour: 'red' },
        { jobid: 'old_same', project_path: project },
        { jobid: 'old_other', project_path: project, priority: 9 },
        { jobid: 'b_missing', project_path: join(projects, 'none.aedt') },
        { jobid: 'b_1', project_path: project },
        'not an object',
        { jobid: 'b_rel', project_path: 'relative.aedt' },
        { config: { jobid: 'b_wrapped', project_path: project }, priority: 3 },
        { project_path: project },
      ],
    });
    expect(response.status).toBe(200);
    const { results } = response.body;
    expect(results.map((r: { index: number }) => r.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(results.map((r: { status: string }) => r.status)).toEqual([
      'accepted',
      'rejected',
      'duplicate',
      'rejected',
      'rejected',
      'rejected',
      'rejected',
      'rejected',
      'accepted',
      'accepted',
    ]);
    expect(response.body).toMatchObject({ success: true, accepted: 3, duplicates: 1, rejected: 6 });
    // The summary view: each stored job named by id, state and local queue place, without its whole view.
    expect(results[0]).toEqual({ index: 0, jobid: 'b_1', status: 'accepted', job_status: 'queued', queue_position: expect.any(Number) });
    expect(results[1]).toMatchObject({
      jobid: 'b_bad',
      error: { code: 'VALIDATION_FAILED', message: expect.stringMatching(/property colour should not exist/) },
    });
    expect(results[2]).toMatchObject({ index: 2, jobid: 'old_same', status: 'duplicate', job_status: expect.stringMatching(/^(queued|running)$/) });
    expect(results[3]).toMatchObject({ jobid: 'old_other', error: { code: 'DUPLICATE_JOB_ID', details: { existing_job_id: 'old_other' } } });
    expect(results[4].error).toEqual({ code: 'FILE_NOT_FOUND', message: `Project file not found: ${join(projects, 'none.aedt')}` });
    expect(results[5]).toMatchObject({ jobid: 'b_1', error: { code: 'VALIDATION_FAILED', details: { first_index: 0 } } });
    expect(results[6]).toMatchObject({ error: { code: 'VALIDATION_FAILED', message: 'A simulation config must be a JSON object' } });
    expect(results[6].jobid).toBeUndefined();
    expect(results[7].error).toMatchObject({ code: 'VALIDATION_FAILED', message: 'project_path must be an absolute path: relative.aedt' });
    expect(results[8]).toMatchObject({ jobid: 'b_wrapped', status: 'accepted', job_status: 'queued' });
    expect(results[9].jobid).toEqual(expect.any(String));
    expect(results.filter((r: { job?: unknown }) => r.job !== undefined)).toEqual([]);
    // Queue places as the queue gives them: b_1 (priority 5) ahead of b_wrapped (3), ahead of the last (0).
    expect(results[0].queue_position).toBeLessThan(results[8].queue_position);
    expect(results[8].queue_position).toBeLessThan(results[9].queue_position);

    // Each accepted job is stored with its first event and queued in the local pool; nothing of the rejected ones.
    const listed = await api.get('/jobs?limit=100');
    expect(listed.body.items.map((job: { job_id: string }) => job.job_id).sort()).toEqual(
      ['b_1', 'b_wrapped', results[9].jobid, 'old_other', 'old_same'].sort(),
    );
    for (const id of ['b_1', 'b_wrapped', results[9].jobid]) {
      const events = await api.get(`/jobs/${id}/events`);
      expect(events.body.items[0]).toMatchObject({ status: 'queued', detail: 'submitted' });
    }
    expect((await api.get('/queue')).body.queued).toBe(4);
    expect(existsSync(join(harness.dataDir, 'jobs'))).toBe(true);
  });

  it('answers the whole job view of each stored job with ?view=full, and refuses an unknown view (400)', async () => {
    expect((await api.submit({ jobid: 'v_old', project_path: project })).status).toBe(201);
    const response = await api.post('/jobs/submit-batch?view=full', {
      jobs: [
        { jobid: 'v_1', project_path: project, priority: 5 },
        { jobid: 'v_old', project_path: project },
        { jobid: 'v_missing', project_path: join(projects, 'none.aedt') },
      ],
    });
    expect(response.status).toBe(200);
    const { results } = response.body;
    for (const index of [0, 1]) {
      const { job_id, priority, config, command, project_path, created_at } = (await api.get(`/jobs/${results[index].jobid}`)).body;
      expect(results[index].job).toMatchObject({ job_id, priority, config, command, project_path, created_at });
      expect(results[index].job).toMatchObject({ status: results[index].job_status, queue_position: results[index].queue_position ?? null });
    }
    expect(results[0].job).toMatchObject({ job_id: 'v_1', status: 'queued', priority: 5 });
    expect(results[2]).toEqual({ index: 2, jobid: 'v_missing', status: 'rejected', error: expect.objectContaining({ code: 'FILE_NOT_FOUND' }) });
    const summary = await api.post('/jobs/submit-batch?view=summary', { jobs: [{ jobid: 'v_1', project_path: project, priority: 5 }] });
    expect(summary.body.results).toEqual([{ index: 0, jobid: 'v_1', status: 'duplicate', job_status: 'queued', queue_position: expect.any(Number) }]);
    for (const query of ['view=views', 'view=', 'colour=red']) {
      const refused = await api.post(`/jobs/submit-batch?${query}`, { jobs: [{ jobid: 'v_never', project_path: project }] });
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({ success: false, code: 'VALIDATION_FAILED' });
    }
    expect((await api.get('/jobs/v_never')).status).toBe(404);
  });

  it('copies an uploaded project (project_ref) per job beside items naming a path, and refuses an unknown one as the single submit does', async () => {
    const form = new FormData();
    form.append('file', new Blob([JSON.stringify({ duration_ms: 60_000 })]), 'up.aedt');
    const uploaded = await fetch(`${harness.url}/projects`, { method: 'POST', body: form });
    expect(uploaded.status).toBe(201);
    const { project_id: projectId } = (await uploaded.json()) as { project_id: string };
    const single = await api.submit({ jobid: 'u_single', project_ref: 'no_such_upload' });
    expect(single.status).toBeGreaterThanOrEqual(400);
    const response = await api.post('/jobs/submit-batch', {
      jobs: [
        { jobid: 'u_1', project_ref: projectId },
        { jobid: 'u_path', project_path: project },
        { jobid: 'u_unknown', project_ref: 'no_such_upload' },
        { jobid: 'u_2', project_ref: projectId, priority: 2 },
      ],
    });
    expect(response.body.results.map((r: { status: string }) => r.status)).toEqual(['accepted', 'accepted', 'rejected', 'accepted']);
    expect(response.body.results[2].error).toEqual({ code: single.body.code, message: single.body.error });
    const stagingDir = harness.app.get(JobRepository).findById('u_1')!.config.project_path!;
    for (const jobid of ['u_1', 'u_2']) {
      const stored = (await api.get(`/jobs/${jobid}`)).body;
      expect(stored.config).toMatchObject({ project_ref: projectId, project_path: join(dirname(dirname(stagingDir)), jobid, 'up.aedt') });
      expect(existsSync(stored.config.project_path)).toBe(true);
    }
    expect((await api.get('/jobs/u_path')).body.config.project_path).toBe(project);
    expect(existsSync(join(dirname(dirname(stagingDir)), 'u_unknown'))).toBe(false);
  });

  it('runs accepted local jobs, priority first, like one-by-one submits', async () => {
    const quick = writeProject(projects, 'q.aedt', { duration_ms: 50 });
    const response = await api.post('/jobs/submit-batch', {
      jobs: [
        { jobid: 'r_low', project_path: quick, priority: 0 },
        { jobid: 'r_high', project_path: quick, priority: 10 },
      ],
    });
    expect(response.body.accepted).toBe(2);
    const low = await api.waitForStatus('r_low', ['completed'], 20_000);
    const high = await api.waitForStatus('r_high', ['completed'], 20_000);
    expect(Date.parse(high.started_at)).toBeLessThan(Date.parse(low.started_at));
  });

  it('refuses a malformed body as a whole (400) and an oversized one (413), but takes more than the global 1 MB', async () => {
    for (const body of [{}, { jobs: [] }, { jobs: 'x' }, [], { jobs: [{ project_path: project }], extra: 1 }]) {
      const response = await api.post('/jobs/submit-batch', body);
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ success: false, code: 'VALIDATION_FAILED' });
    }
    const tooMany = await api.post('/jobs/submit-batch', { jobs: Array.from({ length: 10_001 }, () => ({ project_path: project })) });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error).toMatch(/1 to 10000 configs \(got 10001\)/);
    const huge = await api.post('/jobs/submit-batch', { jobs: [{ project_path: project, design_name: 'x'.repeat(17 * 1024 * 1024) }] });
    expect(huge.status).toBe(413);
    expect(huge.body).toMatchObject({ success: false, code: 'PAYLOAD_TOO_LARGE' });
    expect((await api.get('/jobs')).body.total).toBe(0);
    // ~1.2 MB, over the 1 MB every other route keeps: answered item by item (each name too long), not 413.
    const big = await api.post('/jobs/submit-batch', {
      jobs: [{ jobid: 'big_ok', project_path: project }, ...Array.from({ length: 300 }, () => ({ project_path: project, design_name: 'd'.repeat(4_000) }))],
    });
    expect(big.status).toBe(200);
    expect(big.body).toMatchObject({ accepted: 1, rejected: 300 });
    expect(big.body.results[1].error.message).toMatch(/design_name must be shorter than or equal to 256 characters/);
    expect((await api.get('/jobs')).body.total).toBe(1);
    const single = await api.submit({ project_path: project, design_name: 'x'.repeat(1_100_000) });
    expect(single.status).toBe(413);
  });

  it('stores all records of one insertMany or none (one transaction)', () => {
    const repository = harness.app.get(JobRepository);
    const template: JobRecord = {
      id: 'tx_1',
      seq: repository.allocateSeq(),
      status: 'queued' as JobRecord['status'],
      priority: 0,
      schedulerType: 'none' as JobRecord['schedulerType'],
      config: { project_path: project } as JobRecord['config'],
      configHash: 'h',
      argv: ['ansysedt'],
      workDir: join(harness.dataDir, 'jobs', 'tx_1'),
      logPath: join(harness.dataDir, 'jobs', 'tx_1', 'solver.log'),
      nativeId: null,
      exitCode: null,
      error: null,
      progress: null,
      createdAt: 1,
      updatedAt: 1,
      startedAt: null,
      finishedAt: null,
      cancelRequestedAt: null,
      waitingReason: null,
      schedulerState: null,
      schedulerReason: null,
      run: 1,
    };
    // The second record repeats the first's id: the whole transaction fails, and the first is not stored either.
    expect(() => repository.insertMany([template, { ...template, seq: repository.allocateSeq() }], 'submitted')).toThrow();
    expect(repository.findById('tx_1')).toBeUndefined();
    repository.insertMany([template, { ...template, id: 'tx_2', seq: repository.allocateSeq() }], 'submitted');
    expect(repository.findById('tx_1')).toBeDefined();
    expect(repository.findById('tx_2')).toBeDefined();
  });

  it('publishes one job_queued per accepted job, in order, spread over event-loop turns, before the job’s later events', async () => {
    const socket = io(harness.url, { transports: ['websocket'], reconnection: false });
    sockets.push(socket);
    const events: JobManagerEvent[] = [];
    for (const name of ['job_queued', 'job_started', 'job_cancelled', 'job_completed']) socket.on(name, (payload: JobManagerEvent) => events.push(payload));
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const jobs = Array.from({ length: 600 }, (_, i) => ({ jobid: `ev_${String(i).padStart(4, '0')}`, project_path: project }));
    const response = await api.post('/jobs/submit-batch', { jobs });
    expect(response.body.accepted).toBe(600);
    // Cancelling the last job right away: its job_queued still comes before its job_cancelled.
    expect((await api.post('/jobs/ev_0599/cancel')).status).toBe(200);
    await waitFor(() => events.filter((event) => event.event === 'job_queued').length === 600 || undefined, 20_000, '600 job_queued events');
    const queued = events.filter((event) => event.event === 'job_queued').map((event) => (event as { job_id: string }).job_id);
    const lastJobEvents = events.filter((event) => 'job_id' in event && event.job_id === 'ev_0599').map((event) => event.event);
    expect(lastJobEvents.slice(0, 2)).toEqual(['job_queued', 'job_cancelled']);
    expect(queued.filter((id) => id !== 'ev_0599')).toEqual(jobs.map((job) => job.jobid).filter((id) => id !== 'ev_0599'));
    const seqs = events.map((event) => event.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  });
});
