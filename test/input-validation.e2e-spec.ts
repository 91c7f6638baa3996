import { getMetadataStorage } from 'class-validator';
import { nullPolicyOf } from '../src/common/validation/null-policy';
import { ChangePriorityDto } from '../src/jobs/dto/change-priority.dto';
import { UpdateResourceLimitsDto } from '../src/resources/dto/update-resource-limits.dto';
import { HFSS3DLayoutBatchOptions } from '../src/simulation/hfss-3d-layout-batch-options.dto';
import { HFSSSimulationConfig } from '../src/simulation/hfss-simulation-config.dto';
import { MachineNode } from '../src/simulation/machine-node.dto';
import { SchedulerOptions } from '../src/simulation/scheduler-options.dto';
import { RetryPolicy } from '../src/simulation/retry-policy.dto';
import { apiClient } from './support/http';
import { makeTempDir, removeDir, startTestApp, TestApp, writeProject } from './support/test-app';

/** The README's null table, field by field: `absent` = null is the same as leaving the field out, else 400. */
const NULL_TABLE: Record<string, Record<string, 'absent' | 'rejected'>> = {
  HFSSSimulationConfig: {
    jobid: 'absent',
    project_path: 'rejected',
    project_ref: 'rejected',
    ansys_edt_path: 'absent',
    solver: 'rejected',
    design_name: 'absent',
    design_mode: 'absent',
    setup_name: 'absent',
    distributed: 'rejected',
    machine_nodes: 'rejected',
    auto: 'rejected',
    non_graphical: 'rejected',
    monitor: 'rejected',
    wait_for_license: 'rejected',
    layout_options: 'rejected',
    scheduler_type: 'rejected',
    scheduler_options: 'rejected',
    priority: 'rejected',
    timeout: 'absent',
    user: 'absent',
    retry: 'absent',
  },
  HFSS3DLayoutBatchOptions: {
    create_starting_mesh: 'rejected',
    default_process_priority: 'rejected',
    enable_gpu: 'rejected',
    mpi_vendor: 'rejected',
    mpi_version: 'rejected',
    remote_spawn_command: 'rejected',
    solve_adaptive_only: 'rejected',
    validate_only: 'rejected',
    temp_directory: 'absent',
    hpc_license_type: 'absent',
    num_cores_per_distributed_task: 'absent',
  },
  MachineNode: { hostname: 'rejected', cores: 'rejected', max_cores: 'rejected', utilization: 'rejected' },
  RetryPolicy: { max_attempts: 'rejected', on_exit_codes: 'absent' },
  SchedulerOptions: {
    queue: 'absent',
    time: 'rejected',
    nodes: 'rejected',
    tasks_per_node: 'rejected',
    cores_per_node: 'rejected',
    memory: 'absent',
    account: 'absent',
    reservation: 'absent',
    qos: 'absent',
    constraints: 'absent',
    exclusive: 'rejected',
    gpus: 'rejected',
    gpu_type: 'absent',
    priority: 'rejected',
    email_notification: 'absent',
    run_as_administrator: 'rejected',
    extra_directives: 'absent',
  },
  UpdateResourceLimitsDto: { max_concurrent_jobs: 'rejected', max_cpu_percent: 'rejected', min_free_memory_mb: 'rejected', min_free_disk_mb: 'rejected' },
  ChangePriorityDto: { priority: 'rejected' },
};
const DTOS = { HFSSSimulationConfig, HFSS3DLayoutBatchOptions, MachineNode, SchedulerOptions, RetryPolicy, UpdateResourceLimitsDto, ChangePriorityDto };

/** Where a field sits inside a submitted config. */
const NESTING: Record<string, (field: string, value: unknown) => Record<string, unknown>> = {
  HFSSSimulationConfig: (field, value) => ({ [field]: value }),
  HFSS3DLayoutBatchOptions: (field, value) => ({ layout_options: { [field]: value } }),
  MachineNode: (field, value) => ({ machine_nodes: [{ [field]: value }] }),
  SchedulerOptions: (field, value) => ({ scheduler_options: { [field]: value } }),
  RetryPolicy: (field, value) => ({ retry: { [field]: value } }),
};

describe('input validation: nulls, nested shapes, bounds', () => {
  let harness: TestApp;
  let api: ReturnType<typeof apiClient>;
  let projects: string;
  let project: string;

  beforeAll(async () => {
    projects = makeTempDir('hfss-input-');
    project = writeProject(projects, 'p.aedt', { duration_ms: 300 });
    harness = await startTestApp();
    api = apiClient(harness.url);
  });
  afterAll(async () => {
    await harness.close();
    removeDir(harness.dataDir);
    removeDir(projects);
  });

  const jobCount = async (): Promise<number> => (await api.get('/jobs?limit=1')).body.total;

  it('should declare a null policy on every validated field of every request DTO, as the README table says', () => {
    for (const [name, dto] of Object.entries(DTOS)) {
      const validated = new Set(
        getMetadataStorage()
          .getTargetValidationMetadatas(dto, '', true, false)
          .map((meta) => meta.propertyName),
      );
      const declared = Object.fromEntries([...validated].map((field) => [field, nullPolicyOf(dto, field)]));
      expect({ [name]: declared }).toEqual({ [name]: NULL_TABLE[name] });
    }
  });

  describe.each(Object.keys(NESTING))('%s fields sent as null', (dtoName) => {
    it.each(Object.entries(NULL_TABLE[dtoName]))('%s: null is %s', async (field, policy) => {
      const before = await jobCount();
      const jobid = `null_${dtoName}_${field}`.slice(0, 64);
      const base = { jobid, project_path: project };
      const body = { ...base, ...NESTING[dtoName](field, null) };
      const response = await api.submit(body);
      if (policy === 'rejected') {
        expect(response.status).toBe(400);
        expect(response.body).toEqual({ success: false, error: expect.stringContaining('must not be null'), code: 'VALIDATION_FAILED' });
        expect(await jobCount()).toBe(before);
        return;
      }
      expect(response.status).toBe(201);
      const stored = response.body.job.config;
      const holder = {
        HFSSSimulationConfig: stored,
        HFSS3DLayoutBatchOptions: stored.layout_options,
        MachineNode: stored.machine_nodes[0],
        SchedulerOptions: stored.scheduler_options,
        RetryPolicy: stored.retry,
      }[dtoName];
      expect(holder[field]).not.toBeNull();
      // The same config without the field is the same job: null was exactly "absent".
      const again = await api.submit({ ...base, ...NESTING[dtoName](field, undefined), jobid: response.body.job_id });
      expect(again.status).toBe(200);
      expect(again.body.duplicate).toBe(true);
      await api.post(`/jobs/${response.body.job_id}/cancel`);
    });
  });

  it('should run a job with "timeout": null without a time limit (it is not killed as timed_out)', async () => {
    const response = await api.submit({ jobid: 'no_timeout', project_path: project, timeout: null });
    expect(response.status).toBe(201);
    expect(response.body.job.config).not.toHaveProperty('timeout');
    const done = await api.waitForStatus('no_timeout', ['completed', 'failed', 'timed_out', 'cancelled']);
    expect(done).toMatchObject({ status: 'completed', error: null });
  });

  it.each([
    [{ max_concurrent_jobs: null }, /max_concurrent_jobs must not be null \(leave the field out to keep the current value\)/],
    [{ max_cpu_percent: null, min_free_disk_mb: 10 }, /max_cpu_percent must not be null/],
    [{ min_free_memory_mb: null }, /min_free_memory_mb must not be null/],
  ])('should answer 400 to PUT /resources/limits %j and keep admitting jobs', async (body, message) => {
    const before = (await api.get('/resources')).body.limits;
    const response = await api.put('/resources/limits', body);
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ success: false, error: expect.stringMatching(message), code: 'VALIDATION_FAILED' });
    expect((await api.get('/resources')).body.limits).toEqual(before);
  });

  it.each([
    ['machine_nodes nested arrays', { machine_nodes: [[[[]]]] }, /each machine_nodes entry must be an object/],
    ['machine_nodes as an object', { machine_nodes: { hostname: 'h' } }, /machine_nodes must be an array/],
    ['a null machine node', { machine_nodes: [null] }, /each machine_nodes entry must be an object/],
    ['layout_options as an array', { layout_options: [] }, /layout_options must be an object/],
    ['layout_options as an array of objects', { layout_options: [{ enable_gpu: true }] }, /layout_options must be an object/],
    ['scheduler_options as an array', { scheduler_options: [{}] }, /scheduler_options must be an object/],
    ['scheduler_options as a string', { scheduler_options: 'x' }, /scheduler_options must be an object/],
    ['extra_directives as a string', { scheduler_options: { extra_directives: '--x=1' } }, /extra_directives must be an array/],
    [
      'a lone surrogate in email_notification',
      { scheduler_options: { email_notification: 'a\ud800@example.com' } },
      /scheduler_options\.email_notification is not well-formed Unicode/,
    ],
    ['a lone surrogate in a field name', { 'x\udc00': 1 }, /field name .* not well-formed Unicode/],
    ['a huge priority', { priority: 1e308 }, /priority must not be greater than 1000/],
    [
      'an over-long e-mail address',
      { scheduler_options: { email_notification: `${'a'.repeat(300)}@example.com` } },
      /email_notification must be shorter than or equal to 254/,
    ],
  ])('should answer 400 for %s and store nothing', async (_what, fields, message) => {
    const before = await jobCount();
    const response = await api.submit({ project_path: project, ...fields });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ success: false, error: expect.stringMatching(message), code: 'VALIDATION_FAILED' });
    expect(await jobCount()).toBe(before);
  });

  it.each([20_000, 200_000])('should answer 400 (not 500) for a body nested %d deep, on every JSON endpoint', async (depth) => {
    const deep = `${'['.repeat(depth)}${']'.repeat(depth)}`;
    const bodies = [`{"project_path":"${project}","machine_nodes":${deep}}`, `{"priority":${deep}}`, `{"max_concurrent_jobs":${deep}}`];
    const submit = await api.post('/jobs/submit', bodies[0]);
    expect(submit.status).toBe(400);
    expect(submit.body).toEqual({ success: false, error: expect.stringMatching(/nested more than 32 levels deep/), code: 'VALIDATION_FAILED' });
    expect((await api.post('/jobs/anything/priority', bodies[1])).status).toBe(400);
    expect((await api.put('/resources/limits', bodies[2])).status).toBe(400);
  });

  it.each(['offset=1e30', 'offset=1000000001', 'offset=-1', 'limit=1e30', 'limit=0.5', 'offset=NaN', 'limit=Infinity', 'status=nope', 'offset[a]=1'])(
    'should answer 400 for GET /jobs?%s',
    async (query) => {
      const response = await api.get(`/jobs?${query}`);
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ success: false, code: 'VALIDATION_FAILED' });
    },
  );

  it('should still page with the largest accepted offset', async () => {
    const response = await api.get('/jobs?offset=1000000000');
    expect(response.status).toBe(200);
    expect(response.body.items).toEqual([]);
  });
});
