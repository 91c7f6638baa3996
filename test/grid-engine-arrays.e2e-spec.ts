import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spyOnCommands } from './support/command-spy';
import { describeWithGridEngine } from './support/grid-engine-available';
import { apiClient, waitFor } from './support/http';
import { makeTempDir, removeDir, startTestApp, TestApp, writeProject } from './support/test-app';

/** `<job number>.<task number>`: a task of an array job. */
const TASK_ID = /^(\d+)\.(\d+)$/;

describeWithGridEngine('Grid Engine array jobs for a batch (real sge_qmaster + sge_execd)', () => {
  let harness: TestApp;
  let api: ReturnType<typeof apiClient>;
  let projects: string;
  let spy: ReturnType<typeof spyOnCommands>;
  // Grid Engine keeps no job names apart between runs of the suite: names are unique per run.
  const run = Date.now().toString(36);

  const boot = async (env: Record<string, string> = {}): Promise<void> => {
    harness = await startTestApp({ env: { HFSS_JM_SCHEDULER_POLL_INTERVAL_MS: '400', HFSS_JM_SCHEDULER_COMMAND_TIMEOUT_MS: '20000', ...env } });
    api = apiClient(harness.url);
  };

  beforeEach(() => {
    spy = spyOnCommands(['qsub', 'qstat', 'qdel']);
    projects = makeTempDir('hfss-sge-arrays-');
  });

  afterEach(async () => {
    await harness?.close();
    spy.restore();
    removeDir(harness.dataDir);
    removeDir(projects);
  });

  const item = (jobid: string, behaviour: Record<string, unknown>, options: Record<string, unknown> = {}) => ({
    jobid: `${jobid}_${run}`,
    project_path: writeProject(projects, `${jobid}.aedt`, behaviour),
    scheduler_type: 'grid_engine',
    scheduler_options: { time: '00:10:00', ...options },
  });
  const workDirOf = (job: { log_path: string }): string => job.log_path.replace(/\/solver\.log$/, '');
  const final = ['completed', 'failed', 'cancelled'];

  it('should submit the jobs of a batch that share their directives as one qsub -t, each task running its own job to its own end', async () => {
    await boot();
    const jobs = [
      item('ga_0', { duration_ms: 200 }),
      item('ga_1', { duration_ms: 200, exit_code: 3 }),
      item('ga_2', { duration_ms: 200 }),
      item('ga_3', { duration_ms: 200 }),
      // Other directives: not in the array, submitted on its own.
      item('ga_alone', { duration_ms: 200 }, { time: '00:20:00' }),
    ];
    expect((await api.post('/jobs/submit-batch', { jobs })).status).toBe(200);
    const done = await Promise.all(jobs.map((job) => api.waitForStatus(job.jobid, final, 60_000)));
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
    expect(tasks.map((task) => task![2])).toEqual(['1', '2', '3', '4']);
    expect(done[4].native_id).toMatch(/^\d+$/);
    // Two submit commands for five jobs: the array job and the job on its own.
    const submits = spy.calls('qsub');
    expect(submits).toHaveLength(2);
    expect(submits.find((argv) => argv.includes('-t'))).toEqual(expect.arrayContaining(['-t', '1-4']));
    for (const job of done) {
      const workDir = workDirOf(job);
      expect(readFileSync(job.log_path, 'utf8')).toMatch(job.exit_code === 0 ? /Simulation completed/ : /./);
      expect(readFileSync(join(workDir, 'native_id'), 'utf8').trim()).toBe(job.native_id);
      // Grid Engine's own output file of the task is in the job's work dir, as for a job on its own.
      // (sge.<job>.<task>.out for a task, sge.<job>.out on its own).
      expect(readdirSync(workDir)).toContain(`sge.${job.native_id}.out`);
    }
    // The accounting file names each task by its job number and task number, with the exit status we settled on.
    const [jobNumber, task] = done[1].native_id.split('.');
    await waitFor(
      () => {
        const lines = readFileSync(process.env.HFSS_JM_SGE_ACCOUNTING_FILE ?? '/var/lib/gridengine/default/common/accounting', 'utf8').split('\n');
        return lines.some((line) => line.split(':')[5] === jobNumber && line.split(':')[35] === task && line.split(':')[12] === '3') || undefined;
      },
      20_000,
      'the accounting record of the failed task',
    );
    // The array's own dir (script, task links) stays while any of its tasks is kept and goes with the last.
    const arraysDir = join(harness.dataDir, 'job-arrays');
    const [arrayName] = readdirSync(arraysDir);
    expect(readdirSync(join(arraysDir, arrayName)).sort()).toEqual(['array.sge.sh', 'task-1', 'task-2', 'task-3', 'task-4']);
    for (const job of jobs.slice(0, 3)) expect((await api.delete(`/jobs/${job.jobid}`)).status).toBe(200);
    expect(existsSync(join(arraysDir, arrayName, 'array.sge.sh'))).toBe(true);
    expect((await api.delete(`/jobs/${jobs[3].jobid}`)).status).toBe(200);
    expect(readdirSync(arraysDir)).toEqual([]);
    expect(existsSync(done[4].log_path)).toBe(true);
  });

  it('should cancel one held task of an array with qdel <job>.<task> and leave the others to run', async () => {
    await boot();
    const jobs = [0, 1, 2].map((i) => item(`gheld_${i}`, { duration_ms: 200 }, { extra_directives: ['-h'] }));
    expect((await api.post('/jobs/submit-batch', { jobs })).status).toBe(200);
    // Each task is seen held by a poll (its own state letters).
    const held = await Promise.all(
      jobs.map((job) =>
        waitFor(
          async () => {
            const { body } = await api.job(job.jobid);
            return body.status === 'scheduled' && /h/.test(body.scheduler_state ?? '') ? body : undefined;
          },
          20_000,
          `${job.jobid} held`,
        ),
      ),
    );
    expect(held.map((job) => TASK_ID.exec(job.native_id)?.[2])).toEqual(['1', '2', '3']);
    const cancel = await api.post(`/jobs/${jobs[1].jobid}/cancel`);
    expect([200, 202]).toContain(cancel.status);
    const cancelled = await api.waitForStatus(jobs[1].jobid, final, 20_000);
    expect(cancelled).toMatchObject({ status: 'cancelled', exit_code: null, started_at: null });
    expect(spy.calls('qdel')).toEqual([[held[1].native_id]]);
    for (const job of [held[0], held[2]]) execFileSync('qrls', [job.native_id]);
    const rest = await Promise.all([jobs[0], jobs[2]].map((job) => api.waitForStatus(job.jobid, final, 60_000)));
    expect(rest.map((job) => [job.status, job.exit_code])).toEqual([
      ['completed', 0],
      ['completed', 0],
    ]);
    expect(spy.calls('qsub')).toHaveLength(1);
  });

  it('should re-attach to the tasks of an array job after a restart and never submit them again', async () => {
    await boot();
    const jobs = [0, 1].map((i) => item(`gkeep_${i}`, { duration_ms: 200 }, { extra_directives: ['-h'] }));
    expect((await api.post('/jobs/submit-batch', { jobs })).status).toBe(200);
    const scheduled = await Promise.all(jobs.map((job) => api.waitForStatus(job.jobid, ['scheduled', ...final], 30_000)));
    expect(scheduled.map((job) => TASK_ID.exec(job.native_id)?.[2])).toEqual(['1', '2']);
    await harness.close();
    harness = await startTestApp({
      dataDir: harness.dataDir,
      env: { HFSS_JM_SCHEDULER_POLL_INTERVAL_MS: '400', HFSS_JM_SCHEDULER_COMMAND_TIMEOUT_MS: '20000' },
    });
    api = apiClient(harness.url);
    execFileSync(
      'qrls',
      scheduled.map((job) => job.native_id),
    );
    const done = await Promise.all(jobs.map((job) => api.waitForStatus(job.jobid, final, 60_000)));
    expect(done.map((job) => [job.status, job.exit_code, job.native_id])).toEqual(scheduled.map((job) => ['completed', 0, job.native_id]));
    expect(spy.calls('qsub')).toHaveLength(1);
  });

  it('should find the tasks of an array job whose qsub answer was lost, and never submit them again', async () => {
    // qsub submits the array, then its answer never comes: the command times out (outcome unknown).
    const lossy = makeTempDir('lossy-qsub-');
    const realPath = process.env.PATH ?? '';
    writeFileSync(join(lossy, 'qsub'), `#!/bin/sh\nPATH=${JSON.stringify(realPath)} qsub "$@" > /dev/null\nexec sleep 60\n`);
    chmodSync(join(lossy, 'qsub'), 0o755);
    process.env.PATH = `${lossy}:${realPath}`;
    try {
      await boot({ HFSS_JM_SCHEDULER_COMMAND_TIMEOUT_MS: '2500' });
      // Held: no task starts (and records its id) before the lookup, which must find them in qstat by the array's name.
      const jobs = [0, 1, 2].map((i) => item(`glost_${i}`, { duration_ms: 200 }, { extra_directives: ['-h'] }));
      expect((await api.post('/jobs/submit-batch', { jobs })).status).toBe(200);
      const found = await Promise.all(jobs.map((job) => api.waitForStatus(job.jobid, ['scheduled', ...final], 30_000)));
      expect(found.map((job) => job.status)).toEqual(['scheduled', 'scheduled', 'scheduled']);
      for (const job of found) expect(existsSync(join(workDirOf(job), 'native_id'))).toBe(false);
      execFileSync(
        'qrls',
        found.map((job) => job.native_id),
      );
      const done = await Promise.all(jobs.map((job) => api.waitForStatus(job.jobid, final, 60_000)));
      expect(done.map((job) => job.status)).toEqual(['completed', 'completed', 'completed']);
      expect(done.map((job) => TASK_ID.exec(job.native_id)?.[2])).toEqual(['1', '2', '3']);
      // One array job submitted once; each job ran once (one run recorded in its work dir).
      expect(spy.calls('qsub')).toHaveLength(1);
      for (const job of done) {
        expect(
          readFileSync(join(workDirOf(job), 'runs'), 'utf8')
            .trim()
            .split('\n'),
        ).toHaveLength(1);
      }
    } finally {
      process.env.PATH = realPath;
      removeDir(lossy);
    }
  });

  it("should fail every job of an array Grid Engine rejects with qsub's own message, after one qsub", async () => {
    await boot();
    const jobs = [0, 1, 2].map((i) => item(`gnosuch_${i}`, {}, { queue: 'nosuch.q' }));
    expect((await api.post('/jobs/submit-batch', { jobs })).status).toBe(200);
    const failed = await Promise.all(jobs.map((job) => api.waitForStatus(job.jobid, ['failed', 'scheduled', 'completed'], 20_000)));
    for (const job of failed) expect(job).toMatchObject({ status: 'failed', native_id: null, error: expect.stringMatching(/unknown queue "nosuch\.q"/) });
    expect(spy.calls('qsub')).toHaveLength(1);
  });

  it('should submit each job on its own when HFSS_JM_SCHEDULER_JOB_ARRAYS=false', async () => {
    await boot({ HFSS_JM_SCHEDULER_JOB_ARRAYS: 'false' });
    const jobs = [0, 1, 2].map((i) => item(`gown_${i}`, { duration_ms: 100 }));
    expect((await api.post('/jobs/submit-batch', { jobs })).status).toBe(200);
    const done = await Promise.all(jobs.map((job) => api.waitForStatus(job.jobid, final, 60_000)));
    expect(done.every((job) => /^\d+$/.test(job.native_id) && job.status === 'completed')).toBe(true);
    expect(spy.calls('qsub')).toHaveLength(3);
    expect(existsSync(join(harness.dataDir, 'job-arrays'))).toBe(false);
  });
});
