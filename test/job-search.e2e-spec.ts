import { apiClient } from './support/http';
import { makeTempDir, removeDir, startTestApp, TestApp, writeProject } from './support/test-app';

describe('GET /jobs?q: search by job id prefix or project path, with status and paging', () => {
  let harness: TestApp;
  let api: ReturnType<typeof apiClient>;
  let projects: string;

  beforeAll(async () => {
    projects = makeTempDir('hfss-search-');
    harness = await startTestApp();
    api = apiClient(harness.url);
    // Held in the queue: the memory floor cannot be met.
    await api.put('/resources/limits', { max_concurrent_jobs: 1, max_cpu_percent: 100, min_free_memory_mb: 16_777_216, min_free_disk_mb: 0 });
    const horn = writeProject(projects, 'feed_horn.aedt', { duration_ms: 100 });
    const patch = writeProject(projects, 'patch%_array.aedt', { duration_ms: 100 });
    for (const jobid of ['horn_a', 'horn_b', 'horn_c']) expect((await api.submit({ jobid, project_path: horn })).status).toBe(201);
    for (const jobid of ['patch_1', 'patchwork', 'other']) expect((await api.submit({ jobid, project_path: patch })).status).toBe(201);
  });

  afterAll(async () => {
    await harness.close();
    removeDir(harness.dataDir);
    removeDir(projects);
  });

  const ids = async (query: string): Promise<{ ids: string[]; total: number }> => {
    const response = await api.get(`/jobs?${query}`);
    expect(response.status).toBe(200);
    return { ids: response.body.items.map((job: { job_id: string }) => job.job_id), total: response.body.total };
  };

  it('should match job ids by prefix, newest first, with the total of matches', async () => {
    await expect(ids('q=horn_')).resolves.toEqual({ ids: ['horn_c', 'horn_b', 'horn_a'], total: 3 });
    await expect(ids('q=patch')).resolves.toEqual({ ids: ['other', 'patchwork', 'patch_1'], total: 3 }); // "other" by its project
    await expect(ids('q=orn_b')).resolves.toEqual({ ids: [], total: 0 }); // a prefix, not a substring, of job ids
  });

  it('should match a part of the project path, with % and _ as plain characters', async () => {
    await expect(ids('q=feed_horn')).resolves.toMatchObject({ total: 3 });
    await expect(ids(`q=${encodeURIComponent('patch%_array')}`)).resolves.toMatchObject({ total: 3 });
    await expect(ids(`q=${encodeURIComponent('%')}`)).resolves.toMatchObject({ total: 3 });
  });

  it('should combine the search with status and paging, and refuse an empty or overlong q', async () => {
    await expect(ids('q=horn&limit=2&offset=1')).resolves.toEqual({ ids: ['horn_b', 'horn_a'], total: 3 });
    await expect(ids('q=horn&status=queued')).resolves.toMatchObject({ total: 3 });
    await expect(ids('q=horn&status=failed')).resolves.toEqual({ ids: [], total: 0 });
    expect((await api.get('/jobs?q=')).status).toBe(400);
    const long = await api.get(`/jobs?q=${'x'.repeat(201)}`);
    expect(long.status).toBe(400);
    expect(long.body).toMatchObject({ success: false });
  });
});
