import createClient from 'openapi-fetch';
// Generated from the committed openapi/openapi.json by `npm run sdk:generate` (part of `npm test`), as an SDK user would.
import type { components, paths } from './sdk/generated/api';
import { makeTempDir, removeDir, startTestApp, TestApp, writeProject } from './support/test-app';

type JobView = components['schemas']['JobViewDto'];

describe('TypeScript client generated from the committed OpenAPI document (openapi-typescript + openapi-fetch)', () => {
  let harness: TestApp;
  let projects: string;
  let client: ReturnType<typeof createClient<paths>>;

  beforeEach(async () => {
    harness = await startTestApp();
    projects = makeTempDir('hfss-sdk-projects-');
    client = createClient<paths>({ baseUrl: harness.url });
  });

  afterEach(async () => {
    await harness.close();
    removeDir(harness.dataDir);
    removeDir(projects);
  });

  it('should drive submit → wait → list → cancel through the generated client', async () => {
    const submitted = await client.POST('/jobs/submit', {
      body: { jobid: 'sdk_ok', project_path: writeProject(projects, 'sdk_ok.aedt', { duration_ms: 300 }), design_name: 'HFSSDesign1', priority: 5 },
    });
    expect(submitted.response.status).toBe(201);
    expect(submitted.data).toMatchObject({ success: true, job_id: 'sdk_ok', duplicate: false });

    const waited = await client.GET('/jobs/{id}/wait', { params: { path: { id: 'sdk_ok' }, query: { timeout: 30 } } });
    const done: JobView | undefined = waited.data;
    expect(done).toMatchObject({ job_id: 'sdk_ok', status: 'completed', exit_code: 0, priority: 5 });

    await client.POST('/jobs/submit', { body: { jobid: 'sdk_long', project_path: writeProject(projects, 'sdk_long.aedt', { duration_ms: 60_000 }) } });
    const listed = await client.GET('/jobs', { params: { query: { limit: 10 } } });
    expect(listed.data?.items.map((job) => job.job_id)).toEqual(['sdk_long', 'sdk_ok']);
    expect(listed.data?.total).toBe(2);

    const cancelled = await client.POST('/jobs/{id}/cancel', { params: { path: { id: 'sdk_long' } } });
    expect(cancelled.data?.job.status).toBe('cancelled');
    const afterCancel = await client.GET('/jobs/{id}', { params: { path: { id: 'sdk_long' } } });
    expect(afterCancel.data?.status).toBe('cancelled');
  });

  it('should surface the documented error envelope and status codes as typed errors', async () => {
    const invalid = await client.POST('/jobs/submit', { body: { project_path: '/p/x.txt' } });
    expect(invalid.response.status).toBe(400);
    expect(invalid.data).toBeUndefined();
    expect(invalid.error).toMatchObject({ success: false, error: expect.stringMatching(/project_path must end in \.aedt or \.aedb/) });

    const missing = await client.GET('/jobs/{id}', { params: { path: { id: 'nope' } } });
    expect(missing.response.status).toBe(404);
    expect(missing.error).toMatchObject({ success: false, error: 'Job nope not found' });

    const limits = await client.PUT('/resources/limits', { body: { max_concurrent_jobs: 4 } });
    expect(limits.data).toMatchObject({ max_concurrent_jobs: 4 });
  });
});
