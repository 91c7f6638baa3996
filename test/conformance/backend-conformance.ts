import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { ClusterJobRunner } from '../../src/jobs/cluster/cluster-job-runner.service';
import { SchedulerBackendRegistry } from '../../src/scheduler/scheduler-backend.registry';
import { NativeJobStatus } from '../../src/scheduler/scheduler-backend';
import { SchedulerType } from '../../src/simulation/scheduler-type.enum';
import { apiClient, waitFor } from '../support/http';
import { makeTempDir, removeDir, startTestApp, TestApp, writeProject } from '../support/test-app';
import { ConformanceAdapter } from './conformance-adapter';

const FINAL = ['completed', 'failed', 'cancelled', 'timed_out'];
/**
 * The solve in the failed-polls scenario: long enough that it is still running when the scheduler goes down, however
 * late (on a loaded machine) the service first saw it running. A job that finished first is settled by the poll before
 * the outage, and then no poll fails at all.
 */
const POLL_DOWN_SOLVE_MS = 10_000;

/**
 * One list of scenarios every scheduler backend must pass, through the real app and its REST API (bullmq-style:
 * the same tests for every adapter). Each asserts what the user is told and that the scheduler holds at most one
 * job per jobid — the one the service tracks. Call inside a describe block.
 */
export function backendConformance(adapter: ConformanceAdapter): void {
  let harness: TestApp;
  let api: ReturnType<typeof apiClient>;
  let projects: string;
  // Real schedulers list finished jobs for a while (SLURM MinJobAge): job names are unique per run.
  const run = Date.now().toString(36);
  const id = (base: string): string => `${base}_${run}`;
  const patience = adapter.patienceMs;
  /** A scenario waits for a few states in a row; each wait is bounded by `patience`. */
  const timeout = patience * 4;

  const boot = async (dataDir?: string): Promise<void> => {
    harness = await startTestApp({ dataDir, env: adapter.env, configure: adapter.configure });
    api = apiClient(harness.url);
  };
  const submit = (jobid: string, behaviour: Record<string, unknown>) =>
    api.submit({
      jobid,
      project_path: writeProject(projects, `${jobid}.aedt`, behaviour),
      scheduler_type: adapter.schedulerType,
      scheduler_options: { ...adapter.options },
    });
  const settle = (jobid: string, withinMs = patience) => api.waitForStatus(jobid, FINAL, withinMs);
  /** No orphan and no double: the scheduler has exactly `count` job(s) under this name, and it is the tracked one. */
  const expectJobs = async (jobid: string): Promise<void> => {
    expect(await adapter.jobsNamed(jobid)).toEqual([(await api.job(jobid)).body.native_id]);
  };
  const nativeStatus = async (jobid: string): Promise<NativeJobStatus | undefined> => {
    const view = (await api.job(jobid)).body;
    const backend = harness.app.get(SchedulerBackendRegistry).get(adapter.schedulerType as SchedulerType);
    return (await backend.poll([{ nativeId: view.native_id, workDir: dirname(view.log_path) }]).catch(() => new Map())).get(view.native_id)?.status;
  };

  beforeEach(async () => {
    harness = undefined as unknown as TestApp;
    await adapter.beforeEach?.();
    projects = makeTempDir('conformance-projects-');
    await boot();
  }, timeout);

  afterEach(async () => {
    try {
      await adapter.restore(); // whatever the test did to the scheduler, before anything else
    } finally {
      await harness?.close();
      await adapter.afterEach?.();
      if (harness) removeDir(harness.dataDir);
      removeDir(projects);
    }
  }, timeout);

  it(
    'should submit, poll and complete a job with exit code 0',
    async () => {
      const submitted = await submit(id('ok'), { duration_ms: 1500 });
      expect(submitted.status).toBe(201);
      expect(submitted.body.job).toMatchObject({ status: 'scheduled', native_id: expect.any(String), waiting_reason: null });
      await api.waitForStatus(id('ok'), ['running'], patience);
      expect(await settle(id('ok'))).toMatchObject({ status: 'completed', exit_code: 0 });
      await expectJobs(id('ok'));
    },
    timeout,
  );

  it(
    'should report a failing solve as failed with its exit code',
    async () => {
      await submit(id('bad'), { duration_ms: 200, exit_code: 3 });
      expect(await settle(id('bad'))).toMatchObject({ status: 'failed', exit_code: 3 });
    },
    timeout,
  );

  it(
    'should cancel a running job',
    async () => {
      await submit(id('cancel_run'), { duration_ms: 120_000 });
      await api.waitForStatus(id('cancel_run'), ['running'], patience);
      expect((await api.post(`/jobs/${id('cancel_run')}/cancel`)).status).toBeLessThan(300);
      expect(await settle(id('cancel_run'))).toMatchObject({ status: 'cancelled' });
      await expectJobs(id('cancel_run'));
    },
    timeout,
  );

  it(
    'should cancel a pending job before it ever starts',
    async () => {
      await adapter.holdJobs();
      expect((await submit(id('cancel_pend'), { duration_ms: 1000 })).body.job).toMatchObject({ status: 'scheduled' });
      expect((await api.post(`/jobs/${id('cancel_pend')}/cancel`)).status).toBeLessThan(300);
      expect(await settle(id('cancel_pend'))).toMatchObject({ status: 'cancelled', started_at: null });
    },
    timeout,
  );

  it(
    'should find a submission the store never recorded (crash after the scheduler accepted it) by name, not submit it again',
    async () => {
      const accepted = (await submit(id('lost'), { duration_ms: 3000 })).body.job;
      await harness.close();
      const db = new Database(join(harness.dataDir, 'jobs.sqlite'));
      db.prepare("UPDATE jobs SET status = 'queued', native_id = NULL WHERE id = ?").run(id('lost'));
      db.close();
      await boot(harness.dataDir);
      expect(await settle(id('lost'))).toMatchObject({ status: 'completed', exit_code: 0, native_id: accepted.native_id });
      await expectJobs(id('lost'));
    },
    timeout,
  );

  it(
    'should re-attach to a running job after a restart and settle it',
    async () => {
      await submit(id('reattach'), { duration_ms: 3000 });
      await api.waitForStatus(id('reattach'), ['running'], patience);
      await harness.close();
      await boot(harness.dataDir);
      expect(await settle(id('reattach'))).toMatchObject({ status: 'completed', exit_code: 0 });
      await expectJobs(id('reattach'));
    },
    timeout,
  );

  it(
    'should keep a submission the scheduler never received queued (202) and submit it once it is back',
    async () => {
      await adapter.down();
      const response = await submit(id('down'), { duration_ms: 500 });
      expect(response.status).toBe(202);
      expect(response.body.job).toMatchObject({ status: 'queued', native_id: null, waiting_reason: expect.stringMatching(/scheduler unreachable/) });
      expect((await api.get('/queue')).body.awaiting_submission).toEqual([expect.objectContaining({ job_id: id('down') })]);
      await adapter.restore();
      expect(await settle(id('down'))).toMatchObject({ status: 'completed', exit_code: 0 });
      await expectJobs(id('down'));
    },
    timeout,
  );

  it(
    'should treat a hung scheduler as outcome unknown (202) and never submit the job twice',
    async () => {
      await adapter.hang();
      const response = await submit(id('hung'), { duration_ms: 500 });
      expect(response.status).toBe(202);
      expect(response.body.job).toMatchObject({ status: 'queued', native_id: null, waiting_reason: expect.stringMatching(/submission outcome unknown/) });
      await adapter.restore();
      expect(await settle(id('hung'))).toMatchObject({ status: 'completed', exit_code: 0 });
      await expectJobs(id('hung'));
    },
    timeout,
  );

  it(
    'should answer a cancel promptly while the scheduler is down and deliver it when it is back',
    async () => {
      await submit(id('cancel_down'), { duration_ms: 120_000 });
      await api.waitForStatus(id('cancel_down'), ['running'], patience);
      await adapter.down();
      const started = Date.now();
      const cancel = await api.post(`/jobs/${id('cancel_down')}/cancel`);
      expect(Date.now() - started).toBeLessThan(8_000);
      expect(cancel.status).toBe(202);
      expect(cancel.body.job).toMatchObject({ status: 'running', cancel_requested_at: expect.any(String) });
      await adapter.restore();
      expect(await settle(id('cancel_down'))).toMatchObject({ status: 'cancelled' });
      await expectJobs(id('cancel_down'));
    },
    timeout,
  );

  it(
    'should keep job states through failed polls and settle the job when the scheduler is back',
    async () => {
      await submit(id('poll_down'), { duration_ms: POLL_DOWN_SOLVE_MS });
      await api.waitForStatus(id('poll_down'), ['running'], patience);
      await adapter.down();
      const runner = harness.app.get(ClusterJobRunner);
      await waitFor(() => ((runner.pollFailures()[adapter.schedulerType as SchedulerType] ?? 0) > 0 ? true : undefined), patience, 'a failed poll');
      expect((await api.job(id('poll_down'))).body.status).toBe('running');
      await adapter.restore();
      expect(await settle(id('poll_down'), patience + POLL_DOWN_SOLVE_MS)).toMatchObject({ status: 'completed', exit_code: 0 });
      await expectJobs(id('poll_down'));
    },
    timeout + POLL_DOWN_SOLVE_MS,
  );

  it(
    'should show a requeued job pending, then running again, and settle it once',
    async () => {
      await submit(id('requeue'), { duration_ms: 5000 });
      const running = await api.waitForStatus(id('requeue'), ['running'], patience);
      await adapter.requeue(running.native_id);
      await waitFor(async () => ((await nativeStatus(id('requeue'))) === 'pending' ? true : undefined), patience, 'the requeued job pending');
      await adapter.releaseRequeued?.(running.native_id);
      // Running again, or already through its second run (a short solve on a fast node). Any other end is final:
      // fail at once with it instead of waiting out the patience (a relaunch SLURM refused ends FAILED in a second).
      await waitFor(
        async () => {
          const status = (await nativeStatus(id('requeue'))) ?? '';
          if (['running', 'completed'].includes(status)) return true;
          if (FINAL.includes(status))
            throw new Error(`the requeued job ended ${status} instead of running again: ${JSON.stringify((await api.job(id('requeue'))).body)}`);
          return undefined;
        },
        adapter.requeueRerunWithinMs ?? patience,
        'the requeued job running again',
      );
      expect(await settle(id('requeue'))).toMatchObject({ status: 'completed', exit_code: 0 });
      await expectJobs(id('requeue'));
    },
    timeout,
  );
}
