import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SlurmBackend } from '../src/scheduler/backends/slurm/slurm.backend';
import { spyOnCommands } from './support/command-spy';
import { describeWhen } from './support/required-in-ci';
import { apiClient, isAlive, readRunRecords, waitFor } from './support/http';
import { nextPolls } from './support/poll-window';
import { makeTempDir, removeDir, startTestApp, TestApp, writeProject } from './support/test-app';

function slurmIsUp(): boolean {
  try {
    return /idle|mix|alloc/.test(execFileSync('sinfo', ['-h', '-o', '%t']).toString());
  } catch {
    return false;
  }
}

// CI provisions the cluster with scripts/ci/slurm-up.sh before the suite; there these tests must run.
const describeWithSlurm = describeWhen(slurmIsUp(), 'a running SLURM cluster', '.ci/run calls scripts/ci/slurm-up.sh (as root)');

const POLL_INTERVAL_MS = 400;

describeWithSlurm('SLURM backend against a real single-node cluster (slurmctld + slurmd + munge)', () => {
  let harness: TestApp;
  let api: ReturnType<typeof apiClient>;
  let projects: string;
  let spy: ReturnType<typeof spyOnCommands>;

  const boot = async (dataDir?: string): Promise<void> => {
    harness = await startTestApp({
      dataDir,
      env: {
        HFSS_JM_SCHEDULER_POLL_INTERVAL_MS: String(POLL_INTERVAL_MS),
        HFSS_JM_SCHEDULER_COMMAND_TIMEOUT_MS: '20000',
      },
    });
    api = apiClient(harness.url);
  };

  beforeEach(async () => {
    spy = spyOnCommands(['sbatch', 'squeue', 'scancel', 'sacct']);
    projects = makeTempDir('hfss-slurm-projects-');
    await boot();
  });

  afterEach(async () => {
    await harness.close();
    spy.restore();
    removeDir(harness.dataDir);
    removeDir(projects);
  });

  const submit = (jobid: string, behaviour: Record<string, unknown>, options: Record<string, unknown> = {}) =>
    api.submit({
      jobid,
      project_path: writeProject(projects, `${jobid}.aedt`, behaviour),
      scheduler_type: 'slurm',
      scheduler_options: { time: '00:10:00', ...options },
    });

  it('should run a job through sbatch to completion and record its exit code', async () => {
    // Not ended before the test saw it running (a late poll under load would miss a short run's whole window).
    const release = join(projects, 'slurm_ok.release');
    const submitted = await submit('slurm_ok', { duration_ms: 1500, wait_for_file: release });
    expect(submitted.status).toBe(201);
    expect(submitted.body.job).toMatchObject({
      status: 'scheduled',
      native_id: expect.stringMatching(/^\d+$/),
    });
    await api.waitForStatus('slurm_ok', ['running'], 20_000);
    writeFileSync(release, '');
    const done = await api.waitForStatus('slurm_ok', ['completed', 'failed'], 30_000);
    expect(done).toMatchObject({ status: 'completed', exit_code: 0 });
    expect(readFileSync(done.log_path, 'utf8')).toMatch(/Simulation completed/);
    expect(execFileSync('squeue', ['-h', '-t', 'all', '-j', done.native_id, '-o', '%T']).toString().trim()).toBe('COMPLETED');
  });

  it('should report a failing solve as failed with the solver exit code', async () => {
    await submit('slurm_bad', { duration_ms: 300, exit_code: 3 });
    const done = await api.waitForStatus('slurm_bad', ['completed', 'failed'], 30_000);
    expect(done).toMatchObject({ status: 'failed', exit_code: 3 });
  });

  it('should poll all tracked jobs with one squeue call per interval', async () => {
    // The jobs must outlive the observation window: a job that ends inside it is settled and rightly leaves the
    // batch (with 4 s solves, slow submissions on a loaded 2-core machine let the first one end inside the window).
    try {
      for (let i = 0; i < 4; i++) {
        await submit(`slurm_batch_${i}`, {
          duration_ms: 120_000,
          spawn_child: false,
        });
      }
      const ids = await Promise.all([0, 1, 2, 3].map(async (i) => (await api.job(`slurm_batch_${i}`)).body.native_id as string));
      // A poll spawned before the last job was accepted can log its call (the spy's wrapper starts node first) after
      // the submission answered: count from the first poll that carried all four ids. Polls never overlap, so every
      // earlier poll has logged by then.
      const idsOf = (argv: string[]): string[] => (argv.includes('-j') ? argv[argv.indexOf('-j') + 1].split(',').sort() : []);
      const allIds = [...ids].sort().join(',');
      await waitFor(() => spy.calls('squeue').some((argv) => idsOf(argv).join(',') === allIds) || undefined, 10_000, 'a poll carrying all four ids');
      // The next four polls after it (waiting for a number of polls, not counting inside a fixed window, which a
      // loaded machine makes too short): each carries all four ids, and they come no more often than the interval.
      const { polls, elapsedMs } = await nextPolls(() => spy.calls('squeue'), 4);
      for (let i = 0; i < 4; i++) {
        expect(['scheduled', 'running']).toContain((await api.job(`slurm_batch_${i}`)).body.status);
      }
      expect(polls).toHaveLength(4);
      expect(elapsedMs).toBeGreaterThanOrEqual(3 * POLL_INTERVAL_MS);
      for (const argv of polls) {
        expect(idsOf(argv)).toEqual([...ids].sort());
      }
    } finally {
      for (let i = 0; i < 4; i++) {
        await api.post(`/jobs/slurm_batch_${i}/cancel`);
      }
    }
  });

  it('should cancel a running job with scancel and confirm it', async () => {
    const project = 'slurm_cancel';
    await submit(project, { duration_ms: 60_000 });
    await api.waitForStatus(project, ['running'], 20_000);
    await waitFor(() => readRunRecords(`${projects}/${project}.aedt.runs`).some((r) => r.event === 'child') || undefined, 10_000, 'the solver to start');
    const cancelled = await api.post(`/jobs/${project}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.job.status).toBe('cancelled');
    expect(spy.calls('scancel')).toEqual([[cancelled.body.job.native_id]]);
    const pids = readRunRecords(`${projects}/${project}.aedt.runs`).map((r) => r.pid as number);
    await waitFor(() => pids.every((pid) => !isAlive(pid)) || undefined, 10_000, 'SLURM to kill the solver');
    expect((await api.post(`/jobs/${project}/cancel`)).body.job.status).toBe('cancelled');
  });

  it("should answer 502 with sbatch's own message when SLURM rejects the job", async () => {
    const rejected = await submit('slurm_rejected', {}, { queue: 'nosuch' });
    expect(rejected.status).toBe(502);
    expect(rejected.body.error).toMatch(/invalid partition specified: nosuch/);
    expect((await api.job('slurm_rejected')).body.status).toBe('failed');
  });

  it('should re-attach to a SLURM job after a restart and never submit it again', async () => {
    await submit('slurm_survivor', { duration_ms: 3000 });
    await harness.close();
    await boot(harness.dataDir);
    const done = await api.waitForStatus('slurm_survivor', ['completed', 'failed'], 30_000);
    expect(done).toMatchObject({ status: 'completed', exit_code: 0 });
    expect(spy.calls('sbatch')).toHaveLength(1);
  });

  it('should find a lost submission by name, and by the id its script recorded once SLURM has purged it', async () => {
    await submit('slurm_found', { duration_ms: 200 });
    const job = await api.waitForStatus('slurm_found', ['completed'], 30_000);
    const backend = harness.app.get(SlurmBackend);
    expect(await backend.findByName('slurm_found', job.log_path.replace(/\/solver\.log$/, ''))).toEqual({
      nativeId: job.native_id,
      workDir: expect.any(String),
    });
    // A name squeue no longer knows (purged after MinJobAge): the native_id file written by the script answers.
    const workDir = job.log_path.replace(/\/solver\.log$/, '');
    expect(readFileSync(`${workDir}/native_id`, 'utf8').trim()).toBe(job.native_id);
    expect(await backend.findByName('purged_name_not_in_squeue', workDir)).toEqual({ nativeId: job.native_id, workDir });
    expect(await backend.findByName('never_submitted', makeTempDir('empty-'))).toBeNull();
  });

  it('should say "sbatch: command not found" when the SLURM client is not on PATH', async () => {
    const saved = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      const response = await submit('slurm_nopath', {});
      expect(response.status).toBe(502);
      expect(response.body.error).toMatch(/^sbatch: command not found\. Install the scheduler client or put it on PATH/);
    } finally {
      process.env.PATH = saved;
    }
  });
});
