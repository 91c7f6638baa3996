import { apiClient, readRunRecords, waitFor } from './support/http';
import { fakeSystemInformation, makeTempDir, removeDir, startTestApp, TestApp, writeProject } from './support/test-app';

describe('REST surface: errors, validation, telemetry admission', () => {
  let harness: TestApp;
  let api: ReturnType<typeof apiClient>;
  let projects: string;
  const host = fakeSystemInformation();

  beforeEach(async () => {
    host.readings = {};
    projects = makeTempDir('hfss-projects-');
    harness = await startTestApp({ systemInformation: host });
    api = apiClient(harness.url);
  });

  afterEach(async () => {
    await harness.close();
    removeDir(harness.dataDir);
    removeDir(projects);
  });

  it.each([
    ['an unknown field', { project_path: '/x/a.aedt', colour: 'red' }, /property colour should not exist/],
    ['a bad nested value', { project_path: '/x/a.aedt', machine_nodes: [{ utilization: 150 }] }, /machine_nodes\.0\.utilization must not be greater than 100/],
    ['a newline in a path', { project_path: '/x/a\n#SBATCH --wrap=id\n.aedt' }, /control characters/],
    ['a relative project path', { project_path: 'a.aedt' }, /project_path must be an absolute path/],
  ])('should answer 400 with the error envelope for %s', async (_what, body, message) => {
    const response = await api.submit(body);
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ success: false, error: expect.stringMatching(message), code: 'VALIDATION_FAILED' });
  });

  it('should answer 400 FILE_NOT_FOUND for a missing project or solver executable', async () => {
    const missingProject = await api.submit({ project_path: '/nowhere/none.aedt' });
    expect(missingProject.status).toBe(400);
    expect(missingProject.body).toEqual({ success: false, error: 'Project file not found: /nowhere/none.aedt', code: 'FILE_NOT_FOUND' });
    const project = writeProject(projects, 'p.aedt');
    const missingSolver = await api.submit({ project_path: project, ansys_edt_path: '/opt/none/ansysedt' });
    expect(missingSolver.status).toBe(400);
    expect(missingSolver.body.error).toBe('ansysedt executable not found: /opt/none/ansysedt');
    expect((await api.get('/jobs')).body.total).toBe(0);
  });

  it('should answer 400 for malformed JSON and 413 for an oversized body', async () => {
    const malformed = await api.post('/jobs/submit', '{"project_path": ');
    expect(malformed.status).toBe(400);
    expect(malformed.body.success).toBe(false);
    const huge = await api.post('/jobs/submit', { project_path: '/x/a.aedt', design_name: 'x'.repeat(2_000_000) });
    expect(huge.status).toBe(413);
    expect(huge.body).toMatchObject({ success: false, code: 'PAYLOAD_TOO_LARGE' });
  });

  it('should answer 404 for unknown jobs on every job route', async () => {
    for (const [method, path] of [
      ['GET', '/jobs/nope'],
      ['POST', '/jobs/nope/cancel'],
      ['GET', '/jobs/nope/wait?timeout=1'],
    ]) {
      const response = method === 'GET' ? await api.get(path) : await api.post(path);
      expect(response.status).toBe(404);
      expect(response.body).toEqual({ success: false, error: 'Job nope not found', code: 'JOB_NOT_FOUND' });
    }
    expect((await api.post('/jobs/nope/priority', { priority: 1 })).status).toBe(404);
  });

  it('should answer 504 when waiting for a job takes longer than the wait timeout', async () => {
    await api.submit({ jobid: 'slowpoke', project_path: writeProject(projects, 's.aedt', { duration_ms: 4000 }) });
    const response = await api.get('/jobs/slowpoke/wait?timeout=1');
    expect(response.status).toBe(504);
    expect(response.body).toMatchObject({ success: false, code: 'TIMEOUT', error: expect.stringMatching(/did not finish within 1 s/) });
    await api.post('/jobs/slowpoke/cancel');
  });

  it('should validate list queries and paginate newest first', async () => {
    expect((await api.get('/jobs?status=exploded')).status).toBe(400);
    expect((await api.get('/jobs?limit=0')).status).toBe(400);
    for (const id of ['p1', 'p2', 'p3']) {
      await api.submit({ jobid: id, project_path: writeProject(projects, `${id}.aedt`, { duration_ms: 10 }) });
    }
    const page = await api.get('/jobs?limit=2&offset=1');
    expect(page.body).toMatchObject({ total: 3, limit: 2, offset: 1 });
    expect(page.body.items.map((j: any) => j.job_id)).toEqual(['p2', 'p1']);
  });

  it('should hold jobs while host telemetry is over the limits and say why, then start them', async () => {
    host.readings.cpuPercent = 97;
    await waitFor(async () => ((await api.get('/resources')).body.host.cpu_percent === 97 ? true : undefined), 5000, 'the CPU sample');
    const project = writeProject(projects, 'held.aedt', { duration_ms: 50 });
    await api.submit({ jobid: 'held', project_path: project });
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect((await api.job('held')).body.status).toBe('queued');
    const queue = (await api.get('/queue')).body;
    expect(queue).toMatchObject({ queued: 1, running: 0, admitting: false });
    expect(queue.blocked_reasons.join(' ')).toMatch(/CPU load 97.0% is above max_cpu_percent 90%/);

    host.readings.cpuPercent = 10;
    host.readings.freeMemoryMb = 100;
    await waitFor(async () => ((await api.get('/queue')).body.blocked_reasons.join(' ').includes('free memory') ? true : undefined), 5000, 'the memory limit');
    expect((await api.job('held')).body.status).toBe('queued');

    host.readings.freeMemoryMb = 20_000;
    await api.waitForStatus('held', ['completed']);
    expect(readRunRecords(`${project}.runs`).filter((r) => r.event === 'start')).toHaveLength(1);
  });

  it('should serve health, resources and the Swagger UI', async () => {
    expect((await api.get('/health')).body).toMatchObject({ status: 'ok', accepting_jobs: true });
    const resources = (await api.get('/resources')).body;
    expect(resources.limits).toEqual({ max_concurrent_jobs: 2, max_cpu_percent: 90, min_free_memory_mb: 1024, min_free_disk_mb: 1024 });
    expect(resources.host.memory_free_mb).toBe(20_000);
    const docs = await fetch(`${harness.url}/docs`);
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('swagger-ui');
  });
});
