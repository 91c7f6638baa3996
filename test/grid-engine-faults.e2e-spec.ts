import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { admin, gridEngineJobsNamed, tryAdmin } from './support/cluster-faults';
import { spyOnCommands } from './support/command-spy';
import { apiClient, waitFor } from './support/http';
import { describeWithGridEngine } from './support/grid-engine-available';
import { makeTempDir, removeDir, startTestApp, TestApp, writeProject } from './support/test-app';

/**
 * Faults injected into the real single-host Son of Grid Engine 8.1.9: hold, Eqw with its error message, forced
 * rescheduling. Every test releases, clears or deletes what it touched in `finally`.
 */
describeWithGridEngine('Grid Engine with faults injected (hold, Eqw, reschedule)', () => {
  let harness: TestApp;
  let api: ReturnType<typeof apiClient>;
  let projects: string;
  let spy: ReturnType<typeof spyOnCommands>;

  beforeEach(async () => {
    spy = spyOnCommands(['qsub']);
    projects = makeTempDir('hfss-sge-faults-');
    harness = await startTestApp({
      env: {
        HFSS_JM_SCHEDULER_POLL_INTERVAL_MS: '300',
        HFSS_JM_SCHEDULER_COMMAND_TIMEOUT_MS: '20000',
      },
    });
    api = apiClient(harness.url);
  });

  afterEach(async () => {
    await harness.close();
    spy.restore();
    removeDir(harness.dataDir);
    removeDir(projects);
  });

  const submit = async (jobid: string, behaviour: Record<string, unknown>, extra: string[] = []) => {
    const response = await api.submit({
      jobid,
      project_path: writeProject(projects, `${jobid}.aedt`, behaviour),
      scheduler_type: 'grid_engine',
      scheduler_options: { time: '00:10:00', extra_directives: extra },
    });
    expect(response.status).toBe(201);
    return response.body.job as { native_id: string; log_path: string };
  };
  const until = (jobid: string, predicate: (job: any) => boolean, what: string, timeoutMs = 30_000): Promise<any> =>
    waitFor(
      async () => {
        const job = (await api.job(jobid)).body;
        return predicate(job) ? job : undefined;
      },
      timeoutMs,
      `${jobid}: ${what}`,
    );

  it("should show a hold, then Eqw with Grid Engine's error message, then cancel the job for good", async () => {
    const job = await submit('ge_eqw', { duration_ms: 300 }, ['-h']);
    const id = job.native_id;
    const workDir = job.log_path.replace(/\/solver\.log$/, '');
    const moved = `${workDir}.away`;
    try {
      const held = await until('ge_eqw', (view) => view.scheduler_state === 'hqw', 'the hold visible');
      expect(held).toMatchObject({
        status: 'scheduled',
        scheduler_reason: expect.stringMatching(/on hold/),
      });
      // Its working directory disappears while it is held: releasing it puts it in Eqw ("can't chdir").
      renameSync(workDir, moved);
      admin('qrls', [id]);
      const failed = await until(
        'ge_eqw',
        (view) => view.scheduler_state === 'Eqw' && /chdir/.test(view.scheduler_reason ?? ''),
        'Eqw with its message',
        60_000,
      );
      expect(failed).toMatchObject({
        status: 'scheduled',
        scheduler_reason: expect.stringContaining(workDir),
      });
      renameSync(moved, workDir);
      // On a single host a cleared Eqw job cannot run again until sge_execd has cleaned up the failed start
      // ("cannot run on host until clean up of a previous run has finished", minutes): cancel it instead.
      const cancelled = await api.post('/jobs/ge_eqw/cancel');
      expect(cancelled.body.job).toMatchObject({
        status: 'cancelled',
        exit_code: null,
        started_at: null,
      });
      expect(spy.calls('qsub')).toHaveLength(1);
    } finally {
      if (existsSync(moved) && !existsSync(workDir)) renameSync(moved, workDir);
      tryAdmin('qdel', [id]);
    }
  }, 180_000);

  it("should show a rescheduled job (qmod -f -rj) as scheduled again as run 2, keep run 1's log, and finish once", async () => {
    const job = await submit('ge_requeue', {
      duration_ms: 120_000,
      spawn_child: false,
    });
    const id = job.native_id;
    try {
      const first = await until(
        'ge_requeue',
        // Grid Engine shows 't' (transferring) until sge_execd has told sge_qmaster the job runs, which under load
        // comes after the job script has already written its log: both are "running" here; wait for 'r'.
        (view) =>
          view.status === 'running' &&
          view.scheduler_state === 'r' &&
          existsSync(view.log_path) &&
          /ANSYS Electronics Desktop/.test(readFileSync(view.log_path, 'utf8')),
        'first run started',
      );
      expect(first).toMatchObject({ run: 1, scheduler_state: 'r' });
      writeFileSync(`${projects}/ge_requeue.aedt`, JSON.stringify({ duration_ms: 300, spawn_child: false }));
      admin('qmod', ['-f', '-rj', id]);
      const done = await until('ge_requeue', (view) => ['completed', 'failed', 'cancelled'].includes(view.status), 'the second run to end', 240_000);
      expect(done).toMatchObject({
        status: 'completed',
        exit_code: 0,
        run: 2,
        native_id: id,
      });
      const workDir = done.log_path.replace(/\/solver\.log$/, '');
      expect(readFileSync(`${workDir}/solver.run-1.log`, 'utf8')).toMatch(/ANSYS Electronics Desktop/);
      expect(readFileSync(`${workDir}/solver.run-1.log`, 'utf8')).not.toMatch(/Simulation completed/);
      expect(readFileSync(done.log_path, 'utf8')).toMatch(/Simulation completed/);
      expect(gridEngineJobsNamed('ge_requeue')).toBe(0);
      expect(spy.calls('qsub')).toHaveLength(1);
    } finally {
      tryAdmin('qdel', [id]);
    }
  }, 330_000);

  it('should show why a job waits on a disabled queue (qmod -d), then run it once the queue is enabled', async () => {
    const queues = admin('qselect', ['-q', 'all.q']).trim().split('\n').filter(Boolean);
    let id: string | undefined;
    admin('qmod', ['-d', ...queues]);
    try {
      id = (await submit('ge_disabled', { duration_ms: 300 })).native_id;
      const waiting = await until('ge_disabled', (view) => /disabled/.test(view.scheduler_reason ?? ''), "the scheduler's reason visible");
      expect(waiting).toMatchObject({
        status: 'scheduled',
        scheduler_state: 'qw',
        scheduler_reason: expect.stringMatching(/^queue instance "all\.q@[^"]+" dropped because it is disabled$/),
        started_at: null,
      });
      admin('qmod', ['-e', ...queues]);
      const done = await until('ge_disabled', (view) => ['completed', 'failed', 'cancelled'].includes(view.status), 'the job to run once enabled', 60_000);
      expect(done).toMatchObject({ status: 'completed', exit_code: 0, scheduler_reason: null });
      expect(spy.calls('qsub')).toHaveLength(1);
    } finally {
      tryAdmin('qmod', ['-e', ...queues]);
      if (id) tryAdmin('qdel', [id]);
    }
  }, 120_000);
});
