import { LocalProcessBackend } from '../src/scheduler/backends/local/local-process.backend';
import { SCHEDULER_BACKENDS } from '../src/scheduler/scheduler.constants';
import { FakeArrayClusterBackend } from './fakes/fake-array-cluster-backend';
import { apiClient, waitFor } from './support/http';
import { makeTempDir, removeDir, startTestApp, TestApp, writeProject } from './support/test-app';

const POLL_MS = 150;

describe('A batch as job arrays (real app and store, in-memory array scheduler swapped in through DI)', () => {
  let harness: TestApp;
  let api: ReturnType<typeof apiClient>;
  let scheduler: FakeArrayClusterBackend;
  let projects: string;
  let project: string;

  const boot = async (dataDir?: string, env: Record<string, string> = {}): Promise<void> => {
    harness = await startTestApp({
      dataDir,
      env: { HFSS_JM_SCHEDULER_POLL_INTERVAL_MS: String(POLL_MS), HFSS_JM_SCHEDULER_MAX_BACKOFF_MS: String(POLL_MS * 8), ...env },
      configure: (builder) =>
        builder.overrideProvider(SCHEDULER_BACKENDS).useFactory({ inject: [LocalProcessBackend], factory: (local: LocalProcessBackend) => [local, scheduler] }),
    });
    api = apiClient(harness.url);
  };

  beforeEach(async () => {
    scheduler = new FakeArrayClusterBackend();
    projects = makeTempDir('hfss-array-projects-');
    project = writeProject(projects, 'sweep.aedt');
    await boot();
  });

  afterEach(async () => {
    await harness.close();
    removeDir(harness.dataDir);
    removeDir(projects);
  });

  const item = (jobid: string, options: Record<string, unknown> = {}) => ({
    jobid,
    project_path: project,
    scheduler_type: 'slurm',
    scheduler_options: { nodes: 1, cores_per_node: 4, ...options },
  });
  const submitBatch = async (jobs: unknown[]) => {
    const response = await api.post('/jobs/submit-batch', { jobs });
    expect(response.status).toBe(200);
    return response.body;
  };
  const settledAll = (ids: string[], statuses: string[]) => Promise.all(ids.map((id) => api.waitForStatus(id, statuses, 10_000)));

  it('should group by directives, split at maxArrayTasks, keep task order, and send an odd one out on its own', async () => {
    const same = Array.from({ length: 7 }, (_, i) => item(`s_${i}`));
    const other = [item('o_0', { nodes: 2 }), item('o_1', { nodes: 2 })];
    const alone = item('alone', { extra_directives: ['--alone'] });
    await submitBatch([...same.slice(0, 4), other[0], alone, ...same.slice(4), other[1]]);
    const jobs = await settledAll(
      [...same, ...other, alone].map((job) => job.jobid),
      ['scheduled'],
    );
    // 7 alike in arrays of 3, 3 and a single job; 2 others in an array of 2; the one that must go alone.
    expect(scheduler.arrays.map((array) => array.jobIds)).toEqual(
      expect.arrayContaining([
        ['s_0', 's_1', 's_2'],
        ['s_3', 's_4', 's_5'],
        ['o_0', 'o_1'],
      ]),
    );
    expect(scheduler.arrays).toHaveLength(3);
    expect(scheduler.submitCalls).toBe(2); // s_6 and alone
    const nativeOf = (id: string) => jobs[[...same, ...other, alone].findIndex((job) => job.jobid === id)].native_id as string;
    expect(['s_0', 's_1', 's_2'].map(nativeOf).map((id) => id.split('_')[1])).toEqual(['0', '1', '2']);
    expect(nativeOf('s_6')).toMatch(/^\d+$/);
    expect(nativeOf('alone')).toMatch(/^\d+$/);
  });

  it("should fail every job of a rejected array with the scheduler's message, once", async () => {
    scheduler.nextArray = 'reject';
    await submitBatch([item('r_0'), item('r_1'), item('r_2')]);
    const jobs = await settledAll(['r_0', 'r_1', 'r_2'], ['failed']);
    for (const job of jobs) expect(job.error).toMatch(/Job violates accounting\/QOS policy/);
    expect(scheduler.arrayCalls).toBe(1);
    expect(scheduler.submitCalls).toBe(0);
  });

  it('should keep the jobs of an array the scheduler never received queued, then submit them when it is back', async () => {
    scheduler.down = true;
    await submitBatch([item('u_0'), item('u_1')]);
    const waiting = await waitFor(
      async () => {
        const { body } = await api.job('u_1');
        return body.waiting_reason ? body : undefined;
      },
      5_000,
      'u_1 waiting',
    );
    expect(waiting).toMatchObject({ status: 'queued', native_id: null, waiting_reason: expect.stringMatching(/Unable to contact slurm controller/) });
    scheduler.down = false;
    const jobs = await settledAll(['u_0', 'u_1'], ['scheduled']);
    // Sent again one by one (the retry path of a single submission), each once.
    expect(jobs.every((job) => /^\d+$/.test(job.native_id))).toBe(true);
    expect(scheduler.jobs.size).toBe(2);
  });

  it('should find the tasks of an array whose answer was lost as those tasks, and never submit them again', async () => {
    scheduler.nextArray = 'lost-answer';
    await submitBatch([item('l_0'), item('l_1'), item('l_2')]);
    const jobs = await settledAll(['l_0', 'l_1', 'l_2'], ['scheduled']);
    expect(jobs.map((job) => job.native_id)).toEqual(['901_0', '901_1', '901_2']);
    expect(scheduler.arrayLookups.map((task) => task.index).sort()).toEqual([0, 1, 2]);
    expect(new Set(scheduler.arrayLookups.map((task) => task.arrayName)).size).toBe(1);
    expect(scheduler.arrayCalls).toBe(1);
    expect(scheduler.submitCalls).toBe(0);
    expect(scheduler.jobs.size).toBe(3);
  });

  it('should look the tasks up after a restart that came while the array was being submitted', async () => {
    // The array reaches the scheduler, and the service stops before its answer comes.
    scheduler.nextArray = 'hang';
    await submitBatch([item('c_0'), item('c_1')]);
    await waitFor(() => (scheduler.arrays.length === 1 ? true : undefined), 5_000, 'the array created');
    await harness.close();
    await boot(harness.dataDir);
    const jobs = await settledAll(['c_0', 'c_1'], ['scheduled']);
    expect(jobs.map((job) => job.native_id)).toEqual(['901_0', '901_1']);
    expect(scheduler.arrayLookups.map((task) => task.index).sort()).toEqual([0, 1]);
    expect(scheduler.arrayCalls).toBe(1);
    expect(scheduler.submitCalls).toBe(0);
  });

  it('should deliver a cancel that came while the array was being submitted, once the task is known', async () => {
    scheduler.arraySubmitDelayMs = 600;
    await submitBatch([item('k_0'), item('k_1')]);
    await waitFor(() => (scheduler.arrayCalls === 1 ? true : undefined), 5_000, 'the array submission started');
    const cancel = await api.post('/jobs/k_1/cancel');
    expect([200, 202]).toContain(cancel.status);
    const cancelled = await api.waitForStatus('k_1', ['cancelled'], 10_000);
    expect(cancelled.native_id).toBe('901_1');
    expect(scheduler.cancelCalls).toBe(1);
    expect((await api.job('k_0')).body.status).toBe('scheduled');
  });

  it('should forget the array of an attempt once the job is retried: the retry is found by its own name', async () => {
    await submitBatch([item('t_0'), item('t_1')]);
    await settledAll(['t_0', 't_1'], ['scheduled']);
    scheduler.set('t_0', { status: 'failed', exitCode: 2 });
    await api.waitForStatus('t_0', ['failed']);
    scheduler.nextSubmit = 'lost-answer';
    const retry = await api.post('/jobs/t_0/retry');
    expect([200, 202]).toContain(retry.status);
    const again = await api.waitForStatus('t_0', ['scheduled'], 10_000);
    // Not the first attempt's task (still known to the scheduler as failed) but the retry's own job.
    expect(again.native_id).toMatch(/^\d+$/);
    expect(scheduler.arrayLookups).toHaveLength(0);
  });

  it("should remove an array's own files with the last of its tasks deleted, and not before", async () => {
    await submitBatch([item('d_0'), item('d_1'), item('d_2')]);
    await settledAll(['d_0', 'd_1', 'd_2'], ['scheduled']);
    for (const id of ['d_0', 'd_1', 'd_2']) scheduler.set(id, { status: 'completed', exitCode: 0 });
    await settledAll(['d_0', 'd_1', 'd_2'], ['completed']);
    const [array] = scheduler.arrays;
    expect((await api.delete('/jobs/d_0')).status).toBe(200);
    expect((await api.delete('/jobs/d_2?keep_files=true')).status).toBe(200);
    expect(scheduler.removedArrays).toEqual([]);
    expect((await api.delete('/jobs/d_1')).status).toBe(200);
    expect(scheduler.removedArrays).toEqual([{ arrayName: array.arrayName, workDir: expect.stringMatching(/[\\/]jobs[\\/]d_1$/) }]);
  });

  it('should submit the jobs of an array the scheduler refuses as such one by one, and send no more arrays', async () => {
    scheduler.nextArray = 'refuse-array';
    await submitBatch([item('f_0'), item('f_1'), item('f_2')]);
    const jobs = await settledAll(['f_0', 'f_1', 'f_2'], ['scheduled']);
    expect(jobs.every((job) => /^\d+$/.test(job.native_id))).toBe(true);
    expect(scheduler.arrayCalls).toBe(1);
    expect(scheduler.submitCalls).toBe(3);
    await submitBatch([item('g_0'), item('g_1')]);
    await settledAll(['g_0', 'g_1'], ['scheduled']);
    expect(scheduler.arrayCalls).toBe(1);
    expect(scheduler.submitCalls).toBe(5);
    expect(scheduler.prepareCalls).toBeGreaterThanOrEqual(1);
  });

  describe('single submissions while the command slots are busy', () => {
    const rebootWithSlots = async (slots: number, env: Record<string, string> = {}) => {
      await harness.close();
      removeDir(harness.dataDir);
      await boot(undefined, { HFSS_JM_SCHEDULER_MAX_PARALLEL_COMMANDS: String(slots), ...env });
    };

    it('should send those that waited as job arrays, answer each request with its own task, and submit each job once', async () => {
      await rebootWithSlots(1);
      scheduler.submitDelayMs = 300;
      scheduler.arraySubmitDelayMs = 300;
      const responses = await Promise.all(Array.from({ length: 7 }, (_, i) => api.submit(item(`w_${i}`))));
      expect(responses.map((response) => response.status)).toEqual(Array(7).fill(201));
      const nativeIds = responses.map((response) => response.body.job.native_id as string);
      expect(new Set(nativeIds).size).toBe(7);
      // The first found the slot free and went alone; the six that waited went as arrays of at most 3.
      expect(scheduler.submitCalls).toBeGreaterThanOrEqual(1);
      expect(scheduler.arrays.length).toBeGreaterThanOrEqual(2);
      expect(scheduler.arrays.every((array) => array.jobIds.length <= 3)).toBe(true);
      expect(scheduler.submitCalls + scheduler.arrays.reduce((n, array) => n + array.jobIds.length, 0)).toBe(7);
      expect(scheduler.jobs.size).toBe(7);
      for (const [index, response] of responses.entries()) {
        const task = scheduler.arrays.find((array) => array.jobIds.includes(`w_${index}`));
        if (task) expect(response.body.job.native_id).toMatch(/^\d+_\d+$/);
      }
    });

    it('should answer each request of a rejected array with 502 and the scheduler message', async () => {
      await rebootWithSlots(1);
      scheduler.submitDelayMs = 300;
      const first = api.submit(item('x_0'));
      await waitFor(() => (scheduler.submitCalls === 1 ? true : undefined), 5_000, 'the first submission under way');
      scheduler.nextArray = 'reject';
      const waited = await Promise.all([api.submit(item('x_1')), api.submit(item('x_2'))]);
      expect((await first).status).toBe(201);
      expect(waited.map((response) => response.status)).toEqual([502, 502]);
      for (const response of waited) expect(response.body.error).toMatch(/Job violates accounting\/QOS policy/);
      expect(scheduler.arrayCalls).toBe(1);
    });

    it('should send the requests of a refused array one by one, each answered 201 with its own job', async () => {
      await rebootWithSlots(1);
      scheduler.submitDelayMs = 300;
      const first = api.submit(item('y_0'));
      await waitFor(() => (scheduler.submitCalls === 1 ? true : undefined), 5_000, 'the first submission under way');
      scheduler.nextArray = 'refuse-array';
      const waited = await Promise.all([api.submit(item('y_1')), api.submit(item('y_2'))]);
      expect((await first).status).toBe(201);
      expect(waited.map((response) => response.status)).toEqual([201, 201]);
      expect(waited.every((response) => /^\d+$/.test(response.body.job.native_id))).toBe(true);
      expect(scheduler.arrayCalls).toBe(1);
      expect(scheduler.submitCalls).toBe(3);
    });

    it('should send every single submission on its own with HFSS_JM_SCHEDULER_JOB_ARRAYS=false', async () => {
      await rebootWithSlots(1, { HFSS_JM_SCHEDULER_JOB_ARRAYS: 'false' });
      scheduler.submitDelayMs = 100;
      const responses = await Promise.all(Array.from({ length: 4 }, (_, i) => api.submit(item(`n_${i}`))));
      expect(responses.map((response) => response.status)).toEqual(Array(4).fill(201));
      expect(scheduler.submitCalls).toBe(4);
      expect(scheduler.arrayCalls).toBe(0);
    });
  });
});
