import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { apiClient } from './support/http';
import { makeTempDir, removeDir, startTestApp, TestApp, writeProject } from './support/test-app';

/** The committed document (written from the built app, with the Swagger plugin) against what the server answers. */
const spec = JSON.parse(readFileSync(resolve(__dirname, '../openapi/openapi.json'), 'utf8'));

describe('openapi/openapi.json says what the server does', () => {
  it('should declare the error envelope with error and an enumerated code', () => {
    const envelope = spec.components.schemas.ErrorResponseDto;
    expect(envelope.required).toEqual(expect.arrayContaining(['success', 'error', 'code']));
    expect(envelope.properties.error.type).toBe('string');
    expect(spec.components.schemas.ErrorCode.enum).toEqual(expect.arrayContaining(['VALIDATION_FAILED', 'FILE_NOT_FOUND', 'JOB_NOT_FOUND', 'SCHEDULER_FAILURE', 'TIMEOUT', 'PAYLOAD_TOO_LARGE', 'INTERNAL']));
  });

  it('should declare 201 for a new job and 200 for a duplicate on POST /jobs/submit', () => {
    const responses = spec.paths['/jobs/submit'].post.responses;
    for (const status of ['201', '200']) {
      expect(responses[status].content['application/json'].schema.$ref).toBe('#/components/schemas/SubmitJobResponseDto');
    }
  });

  it('should give every operation a unique, readable operationId', () => {
    const ids = Object.values(spec.paths).flatMap((operations: any) => Object.values(operations).map((operation: any) => operation.operationId as string));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining(['submitJob', 'listJobs', 'getJob', 'waitForJob', 'cancelJob', 'setJobPriority', 'getHealth', 'listJobsPyedb']));
    for (const id of ids) {
      expect(id).toMatch(/^(get|list|submit|wait|cancel|set|update)[A-Z][A-Za-z]*$/);
    }
  });

  describe('against the running service', () => {
    let harness: TestApp;
    let projects: string;

    beforeEach(async () => {
      harness = await startTestApp();
      projects = makeTempDir('hfss-openapi-');
    });

    afterEach(async () => {
      await harness.close();
      [harness.dataDir, projects].forEach(removeDir);
    });

    it('should answer 201 for a new job and only codes the document enumerates', async () => {
      const api = apiClient(harness.url);
      expect((await api.submit({ project_path: writeProject(projects, 'a.aedt') })).status).toBe(201);
      const codes = spec.components.schemas.ErrorCode.enum as string[];
      const answers = [
        await api.submit({ project_path: '/p/a.txt' }),
        await api.submit({ project_path: `${projects}/absent.aedt` }),
        await api.get('/jobs/nope'),
        await api.get('/no/such/route'),
        await api.post('/jobs/submit', JSON.stringify({ project_path: 'x'.repeat(2 * 1024 * 1024) })),
      ];
      expect(answers.map((answer) => answer.status)).toEqual([400, 400, 404, 404, 413]);
      for (const { body } of answers) {
        expect(body).toMatchObject({ success: false, error: expect.any(String) });
        expect(codes).toContain(body.code);
      }
    });
  });
});
