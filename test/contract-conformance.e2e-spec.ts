import { io, Socket } from 'socket.io-client';
import { apiClient, waitFor } from './support/http';
import { checkEvent, checkResponse } from './support/contract-validator';
import { makeTempDir, removeDir, startTestApp, TestApp, writeProject } from './support/test-app';

/**
 * Real answers and real Socket.IO events of the running service, validated strictly (ajv, JSON Schema 2020-12,
 * strict mode, formats) against the committed openapi/openapi.json and openapi/asyncapi.json.
 */
describe('REST answers and Socket.IO events conform to the committed documents', () => {
  let harness: TestApp;
  let projects: string;
  let socket: Socket;
  const events: Array<{ name: string; payload: unknown }> = [];

  beforeEach(async () => {
    harness = await startTestApp({ env: { HFSS_JM_MAX_CONCURRENT_JOBS: '1' } });
    projects = makeTempDir('hfss-conformance-');
    socket = io(harness.url, { transports: ['websocket'], reconnection: false });
    socket.onAny((name: string, payload: unknown) => events.push({ name, payload }));
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  });

  afterEach(async () => {
    socket.close();
    await harness.close();
    [harness.dataDir, projects].forEach(removeDir);
    events.length = 0;
  });

  it('should answer submit, duplicate, list, get, wait, queue, resources, health and errors as declared', async () => {
    const api = apiClient(harness.url);
    const answers: Array<[string, string, { status: number; body: unknown }]> = [];
    const call = async (method: string, template: string, path: string, body?: unknown) => {
      const answer = method === 'GET' ? await api.get(path) : method === 'PUT' ? await api.put(path, body) : await api.post(path, body);
      answers.push([method, template, answer]);
      return answer;
    };
    const config = { jobid: 'c_ok', project_path: writeProject(projects, 'c_ok.aedt', { duration_ms: 200 }), priority: 3 };
    expect((await call('POST', '/jobs/submit', '/jobs/submit', config)).status).toBe(201);
    expect((await call('POST', '/jobs/submit', '/jobs/submit', config)).status).toBe(200);
    expect((await call('POST', '/jobs/submit', '/jobs/submit', { ...config, priority: 4 })).status).toBe(409);
    // A batch's summary and full views: accepted, duplicate and rejected items alike; an unknown view is 400.
    const batch = { jobs: [{ jobid: 'c_batch', project_path: config.project_path }, config, { project_path: 'relative.aedt' }] };
    expect((await call('POST', '/jobs/submit-batch', '/jobs/submit-batch', batch)).body).toMatchObject({ accepted: 1, duplicates: 1, rejected: 1 });
    expect((await call('POST', '/jobs/submit-batch', '/jobs/submit-batch?view=full', batch)).body).toMatchObject({ duplicates: 2, rejected: 1 });
    expect((await call('POST', '/jobs/submit-batch', '/jobs/submit-batch?view=all', batch)).status).toBe(400);
    await call('GET', '/jobs/{id}/wait', '/jobs/c_ok/wait?timeout=30');
    await call('GET', '/jobs', '/jobs');
    await call('GET', '/jobs/{id}', '/jobs/c_ok');
    await call('GET', '/queue', '/queue');
    await call('GET', '/resources', '/resources');
    await call('GET', '/health', '/health');
    await call('GET', '/jobs/{id}/events', '/jobs/c_ok/events');
    await call('GET', '/jobs/{id}/files', '/jobs/c_ok/files');
    await call('PUT', '/resources/limits', '/resources/limits', { max_concurrent_jobs: 1 });
    expect((await call('POST', '/jobs/{id}/cancel', '/jobs/c_ok/cancel')).status).toBe(409);
    expect((await call('POST', '/jobs/submit', '/jobs/submit', { project_path: 'relative.txt', unknown_field: 1 })).status).toBe(400);
    expect((await call('GET', '/jobs/{id}', '/jobs/absent')).status).toBe(404);
    expect((await call('POST', '/jobs/{id}/priority', '/jobs/absent/priority', { priority: 1 })).status).toBe(404);
    const plain = await fetch(`${harness.url}/jobs/submit`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' });
    answers.push(['POST', '/jobs/submit', { status: plain.status, body: await plain.json() }]);
    expect(plain.status).toBe(415);

    const violations = answers
      .map(([method, template, { status, body }]) => ({ method, template, status, ...checkResponse(method, template, status, body) }))
      .filter((result) => !result.valid);
    expect(violations).toEqual([]);
    // The check is strict: a fractional integer, a timestamp that is not date-time and an undeclared status fail.
    const job = answers.find(([, template]) => template === '/jobs/{id}')![2].body as Record<string, unknown>;
    expect(checkResponse('GET', '/jobs/{id}', 200, { ...job, exit_code: 1.5 }).errors).toContain('must be integer');
    expect(checkResponse('GET', '/jobs/{id}', 200, { ...job, created_at: 'yesterday' }).errors).toContain('must match format "date-time"');
    expect(checkResponse('GET', '/queue', 418, {}).valid).toBe(false);
    const batchAnswer = answers.find(([, template]) => template === '/jobs/submit-batch')![2].body as { results: object[] };
    expect(checkResponse('POST', '/jobs/submit-batch', 200, { ...batchAnswer, results: [{ ...batchAnswer.results[0], job_status: 'sleeping' }] }).valid).toBe(
      false,
    );
  });

  it('should emit job_queued, job_started, job_updated, job_cancelled, job_completed, limits_updated and resources_updated as declared', async () => {
    const api = apiClient(harness.url);
    const long = (id: string) => ({ jobid: id, project_path: writeProject(projects, `${id}.aedt`, { duration_ms: 60_000 }) });
    expect((await api.submit(long('c_running'))).status).toBe(201);
    await api.waitForStatus('c_running', ['running']);
    expect((await api.submit(long('c_waiting'))).status).toBe(201);
    expect((await api.post('/jobs/c_waiting/priority', { priority: 9 })).status).toBe(200);
    expect((await api.put('/resources/limits', { max_concurrent_jobs: 1 })).status).toBe(200);
    for (const id of ['c_waiting', 'c_running']) expect((await api.post(`/jobs/${id}/cancel`)).status).toBe(200);
    const wanted = ['job_queued', 'job_started', 'job_updated', 'job_cancelled', 'job_completed', 'limits_updated', 'resources_updated'];
    await waitFor(() => wanted.every((name) => events.some((event) => event.name === name)), 30_000, `events ${wanted.join(', ')}`);

    expect(events.length).toBeGreaterThan(wanted.length);
    const violations = events.map(({ name, payload }) => ({ name, ...checkEvent(name, payload) })).filter((result) => !result.valid);
    expect(violations).toEqual([]);
  });
});
