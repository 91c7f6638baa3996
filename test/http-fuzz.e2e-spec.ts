import fc from 'fast-check';
import { JobRepository } from '../src/jobs/persistence/job.repository';
import { LocalProcessBackend } from '../src/scheduler/backends/local/local-process.backend';
import { SCHEDULER_BACKENDS } from '../src/scheduler/scheduler.constants';
import { SchedulerType } from '../src/simulation/scheduler-type.enum';
import { FakeClusterBackend } from './fakes/fake-cluster-backend';
import { fakeSystemInformation, makeTempDir, removeDir, startTestApp, TestApp, writeProject } from './support/test-app';

/**
 * Property-based fuzz of every HTTP endpoint against the real app (in process): structure-aware mutations of valid
 * requests and raw bytes. Whatever is sent: never a 5xx, never a crash, the error envelope on every 4xx, and no job
 * stored by a rejected request. Seeded, so a failure replays; FUZZ_SEED / FUZZ_RUNS override.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20261201);
const RUNS = Number(process.env.FUZZ_RUNS ?? 1);

interface Sent {
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  body?: string | Uint8Array;
  contentType?: string;
}

// ---- values a client could send instead of a good one -------------------------------------------------------------
const DEEP = '\u0000DEEP\u0000';
const oddString = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    'null',
    'undefined',
    'true',
    '0',
    '-1',
    '1e30',
    'NaN',
    '__proto__',
    'constructor',
    '../../etc/passwd',
    '$(id)',
    '`id`',
    '\'"',
    '\n#SBATCH --wrap=id',
    'a\u0000b',
    '\u2028',
    '\ufeff',
    'é',
    '😀',
    '\u202e',
    'a\ud800',
    '\udc00z',
    '\ud83d',
    'C:\\Windows\\system32\\cmd.exe',
    '/bin/sh',
    '/proc/self/exe',
    'ansysedt',
    '%s%n',
    '\\u0000',
  ),
  fc.string({ maxLength: 40, unit: 'binary' }),
  fc.string({ maxLength: 20, unit: 'grapheme' }),
  fc.integer({ min: 257, max: 20_000 }).map((n) => 'x'.repeat(n)),
);
const hugeNumber = fc.oneof(
  fc.constantFrom(1e308, -1e308, 1e30, -1e30, 2 ** 53 + 1, -(2 ** 63), 2 ** 64, 0.5, -0, 1e-320, 4097, -1001, 1001, 3_000_000),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
);
const leaf = fc.oneof(fc.constant(null), fc.boolean(), hugeNumber, oddString, fc.constant({}), fc.constant([]));
const weird: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: leaf },
  { weight: 1, arbitrary: fc.array(leaf, { maxLength: 4 }) },
  { weight: 1, arbitrary: fc.array(fc.array(fc.array(leaf, { maxLength: 2 }), { maxLength: 2 }), { maxLength: 2 }) },
  { weight: 1, arbitrary: fc.dictionary(oddString, leaf, { maxKeys: 3 }) },
  { weight: 1, arbitrary: fc.constant(DEEP) },
);
/** A nesting depth for the DEEP placeholder: shallow enough to be valid, or far beyond any bound. */
const depth = fc.oneof(fc.integer({ min: 1, max: 40 }), fc.constantFrom(1_000, 25_000));

// ---- valid requests to mutate ----------------------------------------------------------------------------------
function validConfig(project: string): Record<string, unknown> {
  return {
    project_path: project,
    design_name: 'Board',
    design_mode: 'Nominal',
    setup_name: 'Setup1',
    solver: 'Hfss3DLayout',
    distributed: true,
    auto: true,
    non_graphical: true,
    monitor: true,
    wait_for_license: true,
    machine_nodes: [{ hostname: 'localhost', cores: 2, max_cores: 4, utilization: 80 }],
    layout_options: {
      create_starting_mesh: false,
      default_process_priority: 'Normal',
      enable_gpu: false,
      mpi_vendor: 'Intel',
      mpi_version: 'Default',
      remote_spawn_command: 'Scheduler',
      solve_adaptive_only: false,
      validate_only: false,
    },
    scheduler_type: 'none',
    scheduler_options: {
      queue: 'compute',
      time: '01:00:00',
      nodes: 1,
      tasks_per_node: 1,
      cores_per_node: 0,
      memory: '4GB',
      exclusive: false,
      gpus: 0,
      priority: 'Normal',
      email_notification: 'a@example.com',
      run_as_administrator: false,
      extra_directives: ['--comment=x'],
    },
    priority: 0,
    timeout: 3600,
  };
}

/** Every path to a value inside `value` (objects and arrays), the root excluded. */
function pathsOf(value: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  if (value === null || typeof value !== 'object') {
    return [];
  }
  return Object.entries(value).flatMap(([key, item]) => {
    const path = [...prefix, Array.isArray(value) ? Number(key) : key];
    return [path, ...pathsOf(item, path)];
  });
}

type Mutation = { kind: 'set'; at: number; value: unknown } | { kind: 'delete'; at: number } | { kind: 'add'; at: number; key: string; value: unknown };
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: weird }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('add' as const),
      at: fc.nat(),
      key: fc.oneof(oddString, fc.constantFrom('__proto__', 'constructor', 'config', 'user')),
      value: weird,
    }),
  },
);

function mutate(base: Record<string, unknown>, mutations: readonly Mutation[]): unknown {
  let root: unknown = structuredClone(base);
  for (const original of mutations) {
    // Generated values may be shared instances (fc.constant): copy before placing them, or they could form cycles.
    const change = structuredClone(original);
    const paths = [[], ...pathsOf(root)];
    const path = paths[change.at % paths.length];
    if (path.length === 0) {
      if (change.kind === 'set') root = change.value;
      continue;
    }
    let parent = root as Record<string | number, unknown>;
    for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
    const key = path[path.length - 1];
    if (change.kind === 'set') parent[key] = change.value;
    else if (change.kind === 'delete') delete parent[key];
    else if (parent[key] !== null && typeof parent[key] === 'object')
      Object.defineProperty(parent[key], change.key, { value: change.value, enumerable: true, configurable: true, writable: true });
  }
  return root;
}

/** JSON text of `value` with every DEEP placeholder replaced by arrays nested `levels` deep. */
function serialise(value: unknown, levels: number): string {
  const text = JSON.stringify(value) ?? 'null';
  return text.split(JSON.stringify(DEEP)).join(`${'['.repeat(levels)}${']'.repeat(levels)}`);
}

// ---- requests ---------------------------------------------------------------------------------------------------
const pathSegment = fc.oneof(
  fc.constantFrom('nope', 'known_job', 'job_%ED%A0%80', '%', '%zz', '..', '%2e%2e', 'a%00b', '%F0%9F%98%80', 'x'.repeat(300), '__proto__'),
  fc.string({ minLength: 1, maxLength: 30 }).map(encodeURIComponent),
);
const queryValue = fc.oneof(
  fc.constantFrom(
    '1e30',
    '-1',
    '0',
    '1',
    '500',
    '501',
    '1000000000',
    '1000000001',
    'NaN',
    'Infinity',
    '',
    '0x10',
    '1.5',
    ' 5',
    'queued',
    'completed',
    'nope',
    '%ED%A0%80',
    '%',
    '3601',
  ),
  fc.string({ maxLength: 12 }).map(encodeURIComponent),
);
const query = fc
  .array(fc.tuple(fc.constantFrom('status', 'limit', 'offset', 'timeout', 'limit[]', 'offset[a]', 'x', '__proto__'), queryValue), { maxLength: 4 })
  .map((pairs) => (pairs.length === 0 ? '' : `?${pairs.map(([key, value]) => `${key}=${value}`).join('&')}`));
const contentType = fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', undefined);
const rawBody = fc.oneof(
  fc.uint8Array({ maxLength: 600 }),
  fc.string({ maxLength: 200, unit: 'binary' }).map((text) => new TextEncoder().encode(text)),
  fc
    .constantFrom('{', '[', '{"a":', '"\\ud800"', '{"priority": 1e999}', '{"__proto__": {"priority": 5}}', 'null', '[]', '""', '{"project_path": "\\u0000"}')
    .map((text) => new TextEncoder().encode(text)),
);

function requests(project: string): fc.Arbitrary<Sent> {
  const mutated = (base: Record<string, unknown>): fc.Arbitrary<string> =>
    fc.tuple(fc.array(mutation, { minLength: 1, maxLength: 3 }), depth).map(([changes, levels]) => serialise(mutate(base, changes), levels));
  const uniqueJobId = fc.nat().map((n) => `fz_${n}`);
  const submitBody = fc
    .tuple(uniqueJobId, fc.constantFrom(...Object.values(SchedulerType)))
    .chain(([jobid, scheduler]) => mutated({ ...validConfig(project), jobid, scheduler_type: scheduler }));
  const json = (body: fc.Arbitrary<string>, method: Sent['method'], path: fc.Arbitrary<string>) =>
    fc.record({ method: fc.constant(method), path, body, contentType: fc.constant('application/json') });
  return fc.oneof(
    { weight: 8, arbitrary: json(submitBody, 'POST', fc.constant('/jobs/submit')) },
    {
      weight: 3,
      arbitrary: json(
        mutated({ max_concurrent_jobs: 2, max_cpu_percent: 50, min_free_memory_mb: 0, min_free_disk_mb: 0 }),
        'PUT',
        fc.constant('/resources/limits'),
      ),
    },
    {
      weight: 2,
      arbitrary: json(
        mutated({ priority: 5 }),
        'POST',
        pathSegment.map((id) => `/jobs/${id}/priority`),
      ),
    },
    { weight: 1, arbitrary: fc.record({ method: fc.constant('POST' as const), path: pathSegment.map((id) => `/jobs/${id}/cancel`) }) },
    { weight: 3, arbitrary: fc.record({ method: fc.constant('GET' as const), path: query.map((q) => `/jobs${q}`) }) },
    { weight: 2, arbitrary: fc.record({ method: fc.constant('GET' as const), path: pathSegment.map((id) => `/jobs/${id}`) }) },
    // Only ids that are never stored (or already ended) are waited for, so no request blocks for its timeout.
    {
      weight: 1,
      arbitrary: fc.record({
        method: fc.constant('GET' as const),
        path: fc
          .tuple(
            pathSegment.filter((id) => id !== 'known_job'),
            query,
          )
          .map(([id, q]) => `/jobs/never_${id}/wait${q}`),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        method: fc.constantFrom('GET' as const),
        path: fc.constantFrom('/health', '/resources', '/queue', '/metrics', '/', '/nowhere', '/jobs/submit', '/resources/limits'),
      }),
    },
    {
      weight: 4,
      arbitrary: fc.record({
        method: fc.constantFrom('POST' as const, 'PUT' as const),
        path: fc.constantFrom('/jobs/submit', '/resources/limits', '/jobs/known_job/priority', '/jobs/known_job/cancel', '/health'),
        body: rawBody,
        contentType,
      }),
    },
  );
}

describe('HTTP fuzz (fast-check, seeded): every endpoint, structure-aware and raw bodies', () => {
  let harness: TestApp;
  let projects: string;
  let project: string;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => void unhandled.push(reason);

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    projects = makeTempDir('hfss-fuzz-');
    project = writeProject(projects, 'fuzz.aedt', { duration_ms: 50 });
    // CPU reads 1000%: no local job is ever admitted, whatever limits the fuzz sets, so accepted jobs stay queued.
    const clusterBackends = Object.values(SchedulerType)
      .filter((kind) => kind !== SchedulerType.NONE)
      .map((kind) => Object.assign(new FakeClusterBackend(), { kind }));
    harness = await startTestApp({
      systemInformation: fakeSystemInformation({ cpuPercent: 1000 }),
      configure: (builder) =>
        builder
          .overrideProvider(SCHEDULER_BACKENDS)
          .useFactory({ inject: [LocalProcessBackend], factory: (local: LocalProcessBackend) => [local, ...clusterBackends] }),
    });
  });
  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    await harness.close();
    removeDir(harness.dataDir);
    removeDir(projects);
  });

  const send = async (request: Sent): Promise<{ status: number; text: string }> => {
    const response = await fetch(`${harness.url}${request.path}`, {
      method: request.method,
      headers: request.contentType ? { 'content-type': request.contentType } : {},
      // A copy backed by a plain ArrayBuffer, as fetch's BodyInit wants.
      body: typeof request.body === 'string' || request.body === undefined ? request.body : new Uint8Array(request.body),
    });
    return { status: response.status, text: await response.text() };
  };
  /** Jobs in the store, read from it directly (the API under test could hide one). */
  const storedJobs = (): number => harness.app.get(JobRepository).list({ limit: 1, offset: 0 }).total;

  it('should answer every request below 500, with the error envelope on 4xx, and store no job from a rejected request', async () => {
    const known = await send({
      method: 'POST',
      path: '/jobs/submit',
      body: JSON.stringify({ jobid: 'known_job', project_path: project }),
      contentType: 'application/json',
    });
    expect(known.status).toBe(201);
    const statuses = new Map<number, number>();
    let sent = 0;
    const started = Date.now();
    await fc.assert(
      fc.asyncProperty(requests(project), async (request) => {
        const before = storedJobs();
        const { status, text } = await send(request);
        sent += 1;
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        expect(status).toBeLessThan(500);
        if (status >= 400) {
          const body = JSON.parse(text) as Record<string, unknown>;
          expect(Object.keys(body).sort()).toEqual(['code', 'error', 'success']);
          expect(body).toEqual({ success: false, error: expect.any(String), code: expect.stringMatching(/^[A-Z0-9_]+$/) });
        }
        const after = storedJobs();
        const created = status === 201 && request.path === '/jobs/submit' ? 1 : 0;
        expect(after - before).toBe(created);
      }),
      { seed: SEED, numRuns: 2_500 * RUNS, endOnFailure: true, interruptAfterTimeLimit: 150_000, markInterruptAsFailure: false },
    );
    const health = await send({ method: 'GET', path: '/health' });
    expect(health.status).toBe(200);
    expect(unhandled).toEqual([]);
    // What was exercised, for the record (and to see that the fuzz reaches acceptance as well as rejection).
    process.stdout.write(`fuzz: ${sent} requests in ${Date.now() - started} ms, statuses ${JSON.stringify(Object.fromEntries(statuses))}\n`);
    expect(sent).toBeGreaterThanOrEqual(1_000);
    expect(statuses.get(201) ?? 0).toBeGreaterThan(0);
    expect(statuses.get(400) ?? 0).toBeGreaterThan(sent / 4);
  }, 200_000);
});
