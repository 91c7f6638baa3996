import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { admin, slurmJobsNamed, slurmNode, slurmRequeueReleasableAt, tryAdmin } from './support/cluster-faults';
import { spyOnCommands } from './support/command-spy';
import { apiClient, waitFor } from './support/http';
import { describeWhen } from './support/required-in-ci';
import { makeTempDir, removeDir, startTestApp, TestApp, writeProject } from './support/test-app';

function slurmIsUp(): boolean {
  try {
    return /idle|mix|alloc/.test(execFileSync('sinfo', ['-h', '-o', '%t']).toString());
  } catch {
    return false;
  }
}

const describeWithSlurm = describeWhen(slurmIsUp(), 'a running SLURM cluster', '.ci/run calls scripts/ci/slurm-up.sh (as root)');

/**
 * Faults injected into the real single-node SLURM (scripts/ci/slurm-up.sh: MinJobAge=30, jobcomp file, no
 * slurmdbd): what SLURM says must reach the job view, requeues count runs, and exit codes are the same live and
 * from accounting. Every test restores the cluster (node resumed, jobs released or cancelled) in `finally`.
 */
describeWithSlurm('SLURM with faults injected (requeue, hold, suspend, node down, purge)', () => {
  let harness: TestApp;
  let api: ReturnType<typeof apiClient>;
  let projects: string;
  let spy: ReturnType<typeof spyOnCommands>;

  const boot = async (dataDir?: string): Promise<void> => {
    harness = await startTestApp({
      dataDir,
      env: {
        HFSS_JM_SCHEDULER_POLL_INTERVAL_MS: '300',
        HFSS_JM_SCHEDULER_COMMAND_TIMEOUT_MS: '20000',
      },
    });
    api = apiClient(harness.url);
  };

  beforeEach(async () => {
    spy = spyOnCommands(['sbatch']);
    projects = makeTempDir('hfss-slurm-faults-');
    await boot();
  });

  afterEach(async () => {
    await harness.close();
    spy.restore();
    removeDir(harness.dataDir);
    removeDir(projects);
  });

  const projectOf = (jobid: string): string => `${projects}/${jobid}.aedt`;
  const submit = async (jobid: string, behaviour: Record<string, unknown>, extra: string[] = []) => {
    const response = await api.submit({
      jobid,
      project_path: writeProject(projects, `${jobid}.aedt`, behaviour),
      scheduler_type: 'slurm',
      scheduler_options: { time: '00:10:00', extra_directives: extra },
    });
    expect(response.status).toBe(201);
    return response.body.job.native_id as string;
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
  const startNow = (id: string): string => tryAdmin('scontrol', ['update', `jobid=${id}`, 'StartTime=now']);

  it("should show a requeued job as scheduled again, count the run, keep each run's log and finish once", async () => {
    const id = await submit('sf_requeue', {
      duration_ms: 120_000,
      spawn_child: false,
    });
    try {
      const first = await until(
        'sf_requeue',
        (job) => job.status === 'running' && existsSync(job.log_path) && /ANSYS Electronics Desktop/.test(readFileSync(job.log_path, 'utf8')),
        'first run started',
      );
      expect(first).toMatchObject({ run: 1, scheduler_state: 'RUNNING' });
      admin('scontrol', ['requeue', id]);
      const requeuedAt = Date.now();
      const requeued = await until('sf_requeue', (job) => job.status === 'scheduled', 'back to scheduled');
      expect(requeued).toMatchObject({
        run: 2,
        started_at: null,
        scheduler_state: 'PENDING',
      });
      // The second run is short; SLURM holds a requeued job back (BeginTime) for a while: start it now, but not in
      // the second of the requeue (the relaunch would be refused, "Job credential revoked", and the job FAILED).
      writeFileSync(projectOf('sf_requeue'), JSON.stringify({ duration_ms: 300, spawn_child: false }));
      await sleep(Math.max(0, slurmRequeueReleasableAt(requeuedAt) - Date.now()));
      startNow(id);
      const done = await until('sf_requeue', (job) => job.status === 'completed' || job.status === 'failed', 'second run to finish', 60_000);
      expect(done).toMatchObject({
        status: 'completed',
        exit_code: 0,
        run: 2,
        native_id: id,
      });
      expect(Date.parse(done.started_at)).toBeGreaterThan(Date.parse(first.started_at));
      const workDir = done.log_path.replace(/\/solver\.log$/, '');
      expect(readFileSync(`${workDir}/solver.run-1.log`, 'utf8')).toMatch(/ANSYS Electronics Desktop/);
      expect(readFileSync(done.log_path, 'utf8')).toMatch(/Simulation completed/);
      expect(readFileSync(`${workDir}/solver.run-1.log`, 'utf8')).not.toMatch(/Simulation completed/);
      expect(spy.calls('sbatch')).toHaveLength(1);
    } finally {
      tryAdmin('scancel', [id]);
    }
  });

  it("should show an administrator's hold and its release in the job view, then run the job to its end", async () => {
    const id = await submit('sf_hold', { duration_ms: 300 }, ['--begin=now+1hour']);
    try {
      await until('sf_hold', (job) => job.scheduler_reason === 'BeginTime', 'BeginTime visible');
      admin('scontrol', ['hold', id]);
      const held = await until('sf_hold', (job) => job.scheduler_reason === 'JobHeldAdmin', 'the hold visible');
      expect(held).toMatchObject({
        status: 'scheduled',
        scheduler_state: 'PENDING',
      });
      admin('scontrol', ['release', id]);
      await until('sf_hold', (job) => job.scheduler_reason !== 'JobHeldAdmin', 'the release visible');
      startNow(id);
      const done = await until('sf_hold', (job) => ['completed', 'failed'].includes(job.status), 'the end', 60_000);
      expect(done).toMatchObject({
        status: 'completed',
        exit_code: 0,
        run: 1,
        scheduler_reason: null,
      });
      expect(done.started_at).not.toBeNull();
      expect(slurmJobsNamed('sf_hold')).toBeLessThanOrEqual(1);
      expect(spy.calls('sbatch')).toHaveLength(1);
    } finally {
      tryAdmin('scontrol', ['release', id]);
      tryAdmin('scancel', [id]);
    }
  });

  it('should show a suspended job as SUSPENDED while still running, and RUNNING again after resume', async () => {
    const id = await submit('sf_suspend', {
      duration_ms: 120_000,
      spawn_child: false,
    });
    try {
      await until('sf_suspend', (job) => job.status === 'running', 'running');
      admin('scontrol', ['suspend', id]);
      expect(await until('sf_suspend', (job) => job.scheduler_state === 'SUSPENDED', 'SUSPENDED visible')).toMatchObject({ status: 'running' });
      admin('scontrol', ['resume', id]);
      await until('sf_suspend', (job) => job.scheduler_state === 'RUNNING', 'RUNNING again');
      const cancelled = await api.post('/jobs/sf_suspend/cancel');
      expect(cancelled.body.job).toMatchObject({
        status: 'cancelled',
        exit_code: null,
      });
    } finally {
      tryAdmin('scontrol', ['resume', id]);
      tryAdmin('scancel', [id]);
    }
  });

  it("should report a node failure of a --no-requeue job as failed with a null exit code and SLURM's reason", async () => {
    const node = slurmNode();
    const id = await submit('sf_nodefail', { duration_ms: 120_000, spawn_child: false }, ['--no-requeue']);
    try {
      await until('sf_nodefail', (job) => job.status === 'running', 'running');
      admin('scontrol', ['update', `nodename=${node}`, 'state=down', 'reason=hfss-jm node failure test']);
      const done = await until('sf_nodefail', (job) => ['completed', 'failed', 'cancelled', 'timed_out'].includes(job.status), 'the node failure', 60_000);
      expect(done).toMatchObject({
        status: 'failed',
        exit_code: null,
        scheduler_state: 'NODE_FAIL',
        error: expect.stringMatching(/^node failure \(NODE_FAIL\)/),
      });
      expect(spy.calls('sbatch')).toHaveLength(1);
    } finally {
      tryAdmin('scancel', [id]);
      tryAdmin('scontrol', ['update', `nodename=${node}`, 'state=resume']);
      await waitFor(() => (/idle|mix|alloc/.test(tryAdmin('sinfo', ['-h', '-n', node, '-o', '%t'])) ? true : undefined), 60_000, `node ${node} to be back`);
    }
  });

  it('should report a job cancelled outside the service identically live and after SLURM purged it while the service was down', async () => {
    const liveId = await submit('sf_live_cancel', {
      duration_ms: 120_000,
      spawn_child: false,
    });
    const purgedId = await submit('sf_purged_cancel', {
      duration_ms: 120_000,
      spawn_child: false,
    });
    try {
      await until('sf_live_cancel', (job) => job.status === 'running', 'running');
      await until('sf_purged_cancel', (job) => job.status === 'running', 'running');
      admin('scancel', [liveId]);
      const live = await until('sf_live_cancel', (job) => job.status === 'cancelled', 'cancelled live');
      await harness.close();
      admin('scancel', [purgedId]);
      // MinJobAge=30: squeue forgets the job after that; only the jobcomp record (sacct -c) remains.
      // squeue then answers "Invalid job id specified" (rc 1), or nothing.
      await waitFor(
        () => (/^\s*$|Invalid job id/.test(tryAdmin('squeue', ['-h', '-t', 'all', '-j', purgedId, '-o', '%i'])) ? true : undefined),
        120_000,
        'SLURM to purge the job',
      );
      await boot(harness.dataDir);
      const recovered = await until('sf_purged_cancel', (job) => job.status !== 'running' && job.status !== 'scheduled', 'settled from accounting', 60_000);
      for (const job of [live, recovered]) {
        expect(job).toMatchObject({
          status: 'cancelled',
          exit_code: null,
          error: 'cancelled in SLURM (scancel)',
        });
        expect(job.started_at).not.toBeNull();
      }
      expect(spy.calls('sbatch')).toHaveLength(2);
    } finally {
      tryAdmin('scancel', [liveId, purgedId]);
    }
  }, 240_000);
});
