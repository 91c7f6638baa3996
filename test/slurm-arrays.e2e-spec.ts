import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spyOnCommands } from './support/command-spy';
import { describeWhen } from './support/required-in-ci';
import { apiClient, waitFor } from './support/http';
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

const TASK_ID = /^(\d+)_(\d+)$/;

describeWithSlurm('SLURM job arrays for a batch (real slurmctld + slurmd)', () => {
  let harness: TestApp;
  let api: ReturnType<typeof apiClient>;
  let projects: string;
  let spy: ReturnType<typeof spyOnCommands>;

  const boot = async (env: Record<string, string> = {}, dataDir?: string): Promise<void> => {
    harness = await startTestApp({ dataDir, env: { HFSS_JM_SCHEDULER_POLL_INTERVAL_MS: '400', HFSS_JM_SCHEDULER_COMMAND_TIMEOUT_MS: '20000', ...env } });
    api = apiClient(harness.url);
  };

  beforeEach(() => {
    spy = spyOnCommands(['sbatch', 'squeue', 'scancel', 'sacct']);
    projects = makeTempDir('hfss-slurm-arrays-');
  });

  afterEach(async () => {
    await harness?.close();
    spy.restore();
    removeDir(harness.dataDir);
    removeDir(projects);
  });

  const item = (jobid: string, behaviour: Record<string, unknown>, options: Record<string, unknown> = {}) => ({
    jobid,
    project_path: writeProject(projects, `${jobid}.aedt`, behaviour),
    scheduler_type: 'slurm',
    scheduler_options: { time: '00:10:00', ...options },
  });

  it('should submit the jobs of a batch that share their directives as one array, each task running its own job to its own end', async () => {
    await boot();
    const jobs = [
      item('arr_0', { duration_ms: 200 }),
      item('arr_1', { duration_ms: 200, exit_code: 3 }),
      item('arr_2', { duration_ms: 200 }),
      item('arr_3', { duration_ms: 200 }),
      // Other directives: not in the array, submitted on its own.
      item('arr_alone', { duration_ms: 200 }, { memory: '64M' }),
    ];
    const response = await api.post('/jobs/submit-batch', { jobs });
    expect(response.status).toBe(200);
    const done = await Promise.all(jobs.map((job) => api.waitForStatus(job.jobid, ['completed', 'failed', 'cancelled'], 60_000)));
    expect(done.map((job) => [job.status, job.exit_code])).toEqual([
      ['completed', 0],
      ['failed', 3],
      ['completed', 0],
      ['completed', 0],
      ['completed', 0],
    ]);
    const tasks = done.slice(0, 4).map((job) => TASK_ID.exec(job.native_id));
    expect(tasks.every(Boolean)).toBe(true);
    expect(new Set(tasks.map((task) => task![1])).size).toBe(1);
    expect(tasks.map((task) => task![2])).toEqual(['0', '1', '2', '3']);
    expect(done[4].native_id).toMatch(/^\d+$/);
    // Two submit commands for five jobs: the array and the job on its own.
    const submits = spy.calls('sbatch');
    expect(submits).toHaveLength(2);
    for (const job of done) {
      const workDir = job.log_path.replace(/\/solver\.log$/, '');
      expect(readFileSync(job.log_path, 'utf8')).toMatch(job.exit_code === 0 ? /Simulation completed/ : /./);
      expect(readFileSync(join(workDir, 'native_id'), 'utf8').trim()).toBe(job.native_id);
      expect(readdirSync(workDir).some((name) => /^slurm-\d+\.out$/.test(name))).toBe(true);
    }
    // SLURM itself names each task by the array's id and the task's index, with the state we settled on.
    const listed = execFileSync('squeue', ['-h', '-t', 'all', '-r', '-j', done[1].native_id, '-o', '%i|%T']).toString().trim();
    expect(listed).toBe(`${done[1].native_id}|FAILED`);
    // The array's own dir (script, task links) stays while any of its tasks is kept and goes with the last.
    const arraysDir = join(harness.dataDir, 'job-arrays');
    const [arrayName] = readdirSync(arraysDir);
    expect(readdirSync(join(arraysDir, arrayName)).sort()).toEqual(['array.slurm.sh', 'task-0', 'task-1', 'task-2', 'task-3']);
    for (const job of jobs.slice(0, 3)) expect((await api.delete(`/jobs/${job.jobid}`)).status).toBe(200);
    expect(existsSync(join(arraysDir, arrayName, 'array.slurm.sh'))).toBe(true);
    expect((await api.delete('/jobs/arr_3')).status).toBe(200);
    expect(readdirSync(arraysDir)).toEqual([]);
    expect(existsSync(done[4].log_path)).toBe(true); // the job on its own is untouched
    expect(readdirSync(projects).filter((name) => name.endsWith('.aedt'))).toHaveLength(5); // the projects are untouched
  });

  it('should cancel one pending task of an array (SLURM keeps no record of it) and leave the others to run', async () => {
    await boot();
    const jobs = [0, 1, 2].map((i) => item(`held_${i}`, { duration_ms: 200 }, { extra_directives: ['--hold'] }));
    expect((await api.post('/jobs/submit-batch', { jobs })).status).toBe(200);
    // Each task is seen held by a poll (the reason is SLURM's own, per task).
    const scheduled = await Promise.all(
      jobs.map((job) =>
        waitFor(
          async () => {
            const { body } = await api.job(job.jobid);
            return body.status === 'scheduled' && body.scheduler_reason === 'JobHeldUser' ? body : undefined;
          },
          20_000,
          `${job.jobid} held`,
        ),
      ),
    );
    const cancel = await api.post('/jobs/held_1/cancel');
    expect([200, 202]).toContain(cancel.status);
    const cancelled = await api.waitForStatus('held_1', ['cancelled', 'failed', 'completed'], 20_000);
    expect(cancelled).toMatchObject({ status: 'cancelled', exit_code: null, started_at: null });
    expect(spy.calls('scancel')).toEqual([[scheduled[1].native_id]]);
    for (const job of [scheduled[0], scheduled[2]]) execFileSync('scontrol', ['release', job.native_id]);
    const rest = await Promise.all(['held_0', 'held_2'].map((id) => api.waitForStatus(id, ['completed', 'failed', 'cancelled'], 60_000)));
    expect(rest.map((job) => job.status)).toEqual(['completed', 'completed']);
    expect(spy.calls('sbatch')).toHaveLength(1);
  });

  it('should settle pending tasks cancelled outside the service (scancel of one task, then of the rest) as cancelled', async () => {
    await boot();
    const jobs = [0, 1, 2].map((i) => item(`ext_${i}`, { duration_ms: 200 }, { extra_directives: ['--hold'] }));
    expect((await api.post('/jobs/submit-batch', { jobs })).status).toBe(200);
    const held = await Promise.all(
      jobs.map((job) =>
        waitFor(
          async () => {
            const { body } = await api.job(job.jobid);
            return body.scheduler_reason === 'JobHeldUser' ? body : undefined;
          },
          20_000,
          `${job.jobid} held`,
        ),
      ),
    );
    // One task: SLURM drops it from the array (no line, no record) and keeps listing the other two.
    execFileSync('scancel', [held[1].native_id]);
    const one = await api.waitForStatus('ext_1', ['cancelled', 'failed', 'completed'], 20_000);
    expect(one).toMatchObject({ status: 'cancelled', exit_code: null, started_at: null, error: expect.stringMatching(/outside the job manager/) });
    for (const id of ['ext_0', 'ext_2']) expect((await api.job(id)).body.status).toBe('scheduled');
    // The rest, one by one: the last leaves only the array's own id, listed as CANCELLED.
    execFileSync('scancel', [held[0].native_id, held[2].native_id]);
    const rest = await Promise.all(['ext_0', 'ext_2'].map((id) => api.waitForStatus(id, ['cancelled', 'failed', 'completed'], 20_000)));
    expect(rest.map((job) => [job.status, job.exit_code, job.started_at])).toEqual([
      ['cancelled', null, null],
      ['cancelled', null, null],
    ]);
    expect(spy.calls('scancel')).toEqual([]);
  });

  it("should settle a running task cancelled and purged by SLURM while the service was down from the jobcomp file, by the task's own job id", async () => {
    // slurm-up.sh: MinJobAge=30 and no slurmdbd, so only the jobcomp file (sacct -c) remembers a purged job, and it
    // names an array task by its own SLURM_JOB_ID, never as <array id>_<i>.
    await boot();
    const jobs = [0, 1].map((i) => item(`purged_${i}`, { duration_ms: 120_000, spawn_child: false }));
    expect((await api.post('/jobs/submit-batch', { jobs })).status).toBe(200);
    const running = await Promise.all(jobs.map((job) => api.waitForStatus(job.jobid, ['running', 'completed', 'failed', 'cancelled'], 60_000)));
    expect(running.map((job) => job.status)).toEqual(['running', 'running']);
    // SLURM says RUNNING a moment before the task's script runs: wait until it has recorded its ids.
    const taskDir = running[0].log_path.replace(/\/solver\.log$/, '');
    await waitFor(() => (existsSync(join(taskDir, 'slurm_job_id')) && existsSync(running[0].log_path)) || undefined, 30_000, 'the task to start its script');
    try {
      const dataDir = harness.dataDir;
      await harness.close();
      execFileSync('scancel', [running[0].native_id]);
      await waitFor(
        () => {
          try {
            const listed = execFileSync('squeue', ['-h', '-t', 'all', '-j', running[0].native_id, '-o', '%i'], { stdio: 'pipe' }).toString();
            return listed.trim() === '' ? true : undefined;
          } catch {
            return true; // "Invalid job id specified": purged
          }
        },
        120_000,
        'SLURM to purge the cancelled task',
      );
      await boot({}, dataDir);
      const recovered = await api.waitForStatus(jobs[0].jobid, ['cancelled', 'failed', 'completed', 'timed_out'], 60_000);
      // From the jobcomp record (CANCELLED), not guessed: the task had started.
      expect(recovered).toMatchObject({ status: 'cancelled', exit_code: null, native_id: running[0].native_id, error: 'cancelled in SLURM (scancel)' });
      expect(recovered.started_at).not.toBeNull();
      expect((await api.job(jobs[1].jobid)).body.status).toBe('running');
      expect(spy.calls('sbatch')).toHaveLength(1);
    } finally {
      execFileSync(
        'scancel',
        running.map((job) => job.native_id),
      );
    }
  }, 240_000);

  it('should find the tasks of an array whose sbatch answer was lost, and never submit them again', async () => {
    // sbatch submits the array, then its answer never comes: the command times out (outcome unknown).
    const lossy = makeTempDir('lossy-sbatch-');
    const realPath = process.env.PATH ?? '';
    writeFileSync(join(lossy, 'sbatch'), `#!/bin/sh\nPATH=${JSON.stringify(realPath)} sbatch "$@" > /dev/null\nexec sleep 60\n`);
    chmodSync(join(lossy, 'sbatch'), 0o755);
    process.env.PATH = `${lossy}:${realPath}`;
    try {
      await boot({ HFSS_JM_SCHEDULER_COMMAND_TIMEOUT_MS: '2500' });
      const jobs = [0, 1, 2].map((i) => item(`lost_${i}`, { duration_ms: 200 }));
      expect((await api.post('/jobs/submit-batch', { jobs })).status).toBe(200);
      const done = await Promise.all(jobs.map((job) => api.waitForStatus(job.jobid, ['completed', 'failed', 'cancelled'], 60_000)));
      expect(done.map((job) => job.status)).toEqual(['completed', 'completed', 'completed']);
      expect(done.map((job) => TASK_ID.exec(job.native_id)?.[2])).toEqual(['0', '1', '2']);
      // One array submitted once; each job ran once (one run recorded in its work dir).
      expect(spy.calls('sbatch')).toHaveLength(1);
      for (const job of done) {
        const runs = readFileSync(join(job.log_path.replace(/\/solver\.log$/, ''), 'runs'), 'utf8')
          .trim()
          .split('\n');
        expect(runs).toHaveLength(1);
      }
    } finally {
      process.env.PATH = realPath;
      removeDir(lossy);
    }
  });

  it("should fail every job of an array SLURM rejects with sbatch's own message, after one sbatch", async () => {
    await boot();
    const jobs = [0, 1, 2].map((i) => item(`nosuch_${i}`, {}, { queue: 'nosuch' }));
    expect((await api.post('/jobs/submit-batch', { jobs })).status).toBe(200);
    const failed = await Promise.all(jobs.map((job) => api.waitForStatus(job.jobid, ['failed', 'scheduled', 'completed'], 20_000)));
    for (const job of failed)
      expect(job).toMatchObject({ status: 'failed', native_id: null, error: expect.stringMatching(/invalid partition specified: nosuch/) });
    expect(spy.calls('sbatch')).toHaveLength(1);
  });

  it('should submit each job on its own when HFSS_JM_SCHEDULER_JOB_ARRAYS=false', async () => {
    await boot({ HFSS_JM_SCHEDULER_JOB_ARRAYS: 'false' });
    const jobs = [0, 1, 2].map((i) => item(`own_${i}`, { duration_ms: 100 }));
    expect((await api.post('/jobs/submit-batch', { jobs })).status).toBe(200);
    const done = await Promise.all(jobs.map((job) => api.waitForStatus(job.jobid, ['completed', 'failed'], 60_000)));
    expect(done.every((job) => /^\d+$/.test(job.native_id) && job.status === 'completed')).toBe(true);
    expect(spy.calls('sbatch')).toHaveLength(3);
    expect(existsSync(join(harness.dataDir, 'job-arrays'))).toBe(false);
  });
});
