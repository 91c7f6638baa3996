import { JOB_ID_PATTERN } from '../src/simulation/hfss-simulation-config.dto';
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
    expect(spec.components.schemas.ErrorCode.enum).toEqual(
      expect.arrayContaining(['VALIDATION_FAILED', 'FILE_NOT_FOUND', 'JOB_NOT_FOUND', 'SCHEDULER_FAILURE', 'TIMEOUT', 'PAYLOAD_TOO_LARGE', 'INTERNAL']),
    );
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
      expect(id).toMatch(/^(get|list|submit|wait|cancel|set|update|upload|download|delete|retry)[A-Z][A-Za-z]*$/);
    }
  });

  it('should declare what the middleware and validators enforce: statuses, unknown fields, integers, patterns, formats', () => {
    const operations = Object.entries(spec.paths).flatMap(([path, methods]: [string, any]) =>
      Object.entries(methods).map(([method, operation]: [string, any]) => ({ path, method, operation })),
    );
    for (const { method, operation } of operations) {
      expect(operation.tags?.length).toBeGreaterThan(0);
      const statuses = Object.keys(operation.responses);
      expect(statuses).toContain('403');
      if (operation.security?.length !== 0) expect(statuses).toContain('401');
      if (method !== 'get') expect(statuses).toEqual(expect.arrayContaining(['400', '403', '413', '415']));
    }
    expect(Object.keys(spec.paths['/jobs/submit'].post.responses)).toEqual(expect.arrayContaining(['507', '502', '503', '409']));
    const schemas = spec.components.schemas;
    for (const name of [
      'HFSSSimulationConfig',
      'MachineNode',
      'SchedulerOptions',
      'HFSS3DLayoutBatchOptions',
      'ChangePriorityDto',
      'UpdateResourceLimitsDto',
    ]) {
      expect(schemas[name].additionalProperties).toBe(false);
    }
    expect(schemas.MachineNode.properties.cores).toMatchObject({ type: 'integer', minimum: -1, maximum: 4096 });
    expect(schemas.JobViewDto.properties.exit_code.type).toEqual(['integer', 'null']);
    expect(schemas.JobViewDto.properties.started_at).toMatchObject({ type: ['string', 'null'], format: 'date-time' });
    expect(schemas.HFSSSimulationConfig.properties.jobid.pattern).toBe(JOB_ID_PATTERN.source);
    expect(schemas.MachineNode.properties.hostname.pattern).toEqual(expect.any(String));
    expect(Object.keys(schemas.HealthDto.properties)).toEqual(expect.arrayContaining(['status', 'version', 'uptime_s', 'accepting_jobs']));
    expect(Object.keys(spec.paths['/metrics'].get.responses['200'].content)).toEqual(['text/plain']);
    expect(spec.servers.length).toBeGreaterThan(0);
    expect(JSON.stringify(spec)).not.toContain('"nullable"');
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
