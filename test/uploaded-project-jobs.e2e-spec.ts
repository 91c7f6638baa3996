import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { unzip } from './support/unzip';
import { apiClient } from './support/http';
import { makeTempDir, removeDir, startTestApp, TestApp } from './support/test-app';

async function upload(url: string, fileName: string, content: string): Promise<string> {
  const form = new FormData();
  form.append('file', new Blob([content]), fileName);
  const response = await fetch(`${url}/projects`, { method: 'POST', body: form });
  const body = (await response.json()) as { project_id: string };
  expect(response.status).toBe(201);
  return body.project_id;
}

describe('jobs on uploaded projects (project_ref): upload → solve → archive', () => {
  let harness: TestApp;
  let api: ReturnType<typeof apiClient>;
  let roots: string;

  beforeAll(async () => {
    // Allowed project roots that do not contain the staging dir: the job's own copy is trusted all the same.
    roots = makeTempDir('uploaded-roots-');
    harness = await startTestApp({ env: { HFSS_JM_PROJECT_ROOTS: roots } });
    api = apiClient(harness.url);
  });
  afterAll(async () => {
    await harness.close();
    removeDir(harness.dataDir);
    removeDir(roots);
  });

  const results = { 'S-parameters/antenna.s2p': '! touchstone\n1e9 0.5 0\n', 'fields/e.fld': 'E '.repeat(5000) };
  const project = JSON.stringify({ duration_ms: 200, progress_steps: 2, spawn_child: false, results_files: results });

  it('should run a job on its own copy of the upload and bring its results back through /files and /archive', async () => {
    const projectId = await upload(harness.url, 'antenna.aedt', project);
    const submitted = await api.submit({ jobid: 'ref_1', project_ref: projectId });
    expect(submitted.status === 201 ? 201 : submitted.body).toBe(201);
    const copy = submitted.body.job.config.project_path as string;
    expect(submitted.body.job.config.project_ref).toBe(projectId);
    expect(copy).toBe(join(harness.config.staging.dir, 'jobs', 'ref_1', 'antenna.aedt'));
    const job = await api.waitForStatus('ref_1', ['completed', 'failed']);
    expect(job.status === 'completed' ? job.status : job.error).toBe('completed');
    expect(readFileSync(copy, 'utf8')).toBe(project);

    const listed = (await api.get('/jobs/ref_1/files')).body.items.filter((file: { root: string }) => file.root === 'results');
    expect(listed.map((file: { path: string }) => file.path).sort()).toEqual(Object.keys(results).sort());
    const one = await fetch(`${harness.url}/jobs/ref_1/files/results/S-parameters/antenna.s2p`);
    expect(await one.text()).toBe(results['S-parameters/antenna.s2p']);

    const archive = await fetch(`${harness.url}/jobs/ref_1/archive`);
    expect(archive.status).toBe(200);
    const entries = await unzip(Buffer.from(await archive.arrayBuffer()));
    for (const [name, content] of Object.entries(results)) expect(entries.get(`results/${name}`)).toBe(content);
    expect(entries.get('work/solver.log')).toContain('Simulation completed');
  });

  it('should give each job its own copy, answer an identical re-submission as a duplicate, and delete the copy with the job', async () => {
    const projectId = await upload(harness.url, 'antenna.aedt', project);
    expect((await api.submit({ jobid: 'ref_2', project_ref: projectId })).status).toBe(201);
    expect((await api.submit({ jobid: 'ref_3', project_ref: projectId })).status).toBe(201);
    await api.waitForStatus('ref_2', ['completed']);
    await api.waitForStatus('ref_3', ['completed']);
    const duplicate = await api.submit({ jobid: 'ref_2', project_ref: projectId });
    expect(duplicate).toMatchObject({ status: 200, body: { duplicate: true } });
    const resultsOf = (jobid: string) => join(harness.config.staging.dir, 'jobs', jobid, 'antenna.aedtresults');
    expect(existsSync(resultsOf('ref_2')) && existsSync(resultsOf('ref_3'))).toBe(true);
    expect((await api.delete('/jobs/ref_2')).status).toBe(200);
    expect(existsSync(join(harness.config.staging.dir, 'jobs', 'ref_2'))).toBe(false);
    expect(existsSync(resultsOf('ref_3'))).toBe(true);
    // The upload itself stays for further jobs.
    expect((await api.get(`/projects/${projectId}`)).status).toBe(200);
  });

  it('should refuse both or neither of project_path and project_ref, a null project_ref, and an unknown one', async () => {
    const projectId = await upload(harness.url, 'antenna.aedt', project);
    const both = await api.submit({ jobid: 'ref_bad_1', project_ref: projectId, project_path: join(roots, 'a.aedt') });
    expect(both).toEqual({ status: 400, body: expect.objectContaining({ code: 'VALIDATION_FAILED', error: expect.stringContaining('exactly one') }) });
    const neither = await api.submit({ jobid: 'ref_bad_2' });
    expect(neither).toEqual({ status: 400, body: expect.objectContaining({ code: 'VALIDATION_FAILED', error: expect.stringContaining('exactly one') }) });
    const nulled = await api.submit({ jobid: 'ref_bad_3', project_ref: null, project_path: join(roots, 'a.aedt') });
    expect(nulled).toEqual({ status: 400, body: expect.objectContaining({ code: 'VALIDATION_FAILED', error: expect.stringContaining('must not be null') }) });
    const malformed = await api.submit({ jobid: 'ref_bad_4', project_ref: '../../etc' });
    expect(malformed).toEqual({ status: 400, body: expect.objectContaining({ code: 'VALIDATION_FAILED' }) });
    const unknown = await api.submit({ jobid: 'ref_bad_5', project_ref: 'prj_000000000000000000000000' });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ success: false, code: 'PROJECT_NOT_FOUND' });
    expect((await api.get('/jobs')).body.items.map((job: { job_id: string }) => job.job_id)).not.toContain('ref_bad_5');
    expect(existsSync(join(harness.config.staging.dir, 'jobs', 'ref_bad_5'))).toBe(false);
  });
});
