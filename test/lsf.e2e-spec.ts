import { nextPolls } from './support/poll-window';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { LsfBackend } from '../src/scheduler/backends/lsf/lsf.backend';
import { spyOnCommands } from './support/command-spy';
import { apiClient, isAlive, readRunRecords, waitFor } from './support/http';
import { makeTempDir, removeDir, startTestApp, TestApp, writeProject } from './support/test-app';

/** Faithful fakes of bsub, bjobs, bkill and bhist (documented formats, messages and exit codes; jobs really run). */
const FAKE_LSF_BIN = resolve(__dirname, 'fakes/lsf/bin');
const FAKE_LSF_KNOBS = [
  'FAKE_LSF_DOWN',
  'FAKE_LSF_DELAY_MS',
  'FAKE_LSF_DELAY_COMMANDS',
  'FAKE_LSF_DELAY_AFTER',
  'FAKE_LSF_PURGE_AFTER_MS',
  'FAKE_LSF_BHIST_FORGET',
  'FAKE_LSF_REJECT',
  'FAKE_LSF_QUEUES',
  'FAKE_LSF_PENDING_MS',
  'FAKE_LSF_PEND_REASON',
];

interface FakeJob {
  id: number;
  name: string;
  stat: string;
  exitCode: number | null;
  exitReason: string | null;
  options: Record<string, string | string[] | boolean>;
  pgid: number | null;
  wrapperPid: number | null;
}

describe('LSF backend against faithful fake LSF commands (bsub < script, bjobs -o, bkill, bhist -l)', () => {
  let harness: TestApp;
  let api: ReturnType<typeof apiClient>;
  let projects: string;
  let stateDir: string;
  let savedPath: string | undefined;
  let spy: ReturnType<typeof spyOnCommands>;

  const boot = async (dataDir?: string): Promise<void> => {
    harness = await startTestApp({
      dataDir,
      env: { HFSS_JM_SCHEDULER_POLL_INTERVAL_MS: '300', HFSS_JM_SCHEDULER_COMMAND_TIMEOUT_MS: '2500', HFSS_JM_SCHEDULER_MAX_BACKOFF_MS: '1000' },
    });
    api = apiClient(harness.url);
  };

  const fakeJobs = (): FakeJob[] =>
    (existsSync(join(stateDir, 'jobs')) ? readdirSync(join(stateDir, 'jobs')) : [])
      .filter((name) => name.endsWith('.json'))
      .map((name) => JSON.parse(readFileSync(join(stateDir, 'jobs', name), 'utf8')) as FakeJob);
  const fakeJob = (nativeId: string): FakeJob => fakeJobs().find((job) => String(job.id) === nativeId)!;
  /** The status query of each poll (`bjobs -a …`), not the lookup by name (-J) nor the pending-reason query. */
  const lsfPolls = (): string[][] => spy.calls('bjobs').filter((argv) => argv[0] === '-a' && argv.includes('-o') && !argv.includes('-J'));
  const workDirOf = (job: { log_path: string }): string => job.log_path.replace(/\/solver\.log$/, '');

  beforeEach(async () => {
    savedPath = process.env.PATH;
    process.env.PATH = `${FAKE_LSF_BIN}:${savedPath}`;
    stateDir = makeTempDir('fake-lsf-state-');
    process.env.FAKE_LSF_STATE_DIR = stateDir;
    spy = spyOnCommands(['bsub', 'bjobs', 'bkill', 'bhist']);
    projects = makeTempDir('hfss-lsf-projects-');
    await boot();
  });

  afterEach(async () => {
    await harness.close();
    for (const job of fakeJobs()) {
      for (const target of [job.pgid && -job.pgid, job.wrapperPid]) {
        try {
          if (target) process.kill(target, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
    spy.restore();
    process.env.PATH = savedPath;
    for (const knob of [...FAKE_LSF_KNOBS, 'FAKE_LSF_STATE_DIR']) delete process.env[knob];
    removeDir(harness.dataDir);
    removeDir(projects);
    removeDir(stateDir);
  });

  const submit = (jobid: string, behaviour: Record<string, unknown>, options: Record<string, unknown> = {}) =>
    api.submit({
      jobid,
      project_path: writeProject(projects, `${jobid}.aedt`, behaviour),
      scheduler_type: 'lsf',
      scheduler_options: { time: '00:10:00', ...options },
    });

  it("should submit the script on bsub's stdin, see it pending, then running, and record exit code 0", async () => {
    process.env.FAKE_LSF_PENDING_MS = '1500';
    // The solve does not end before the test has seen it running: under load a poll can come later than a short
    // run's whole RUN window (the stop-18 CI run saw it go from scheduled straight to completed).
    const release = join(projects, 'lsf_ok.release');
    const submitted = await submit('lsf_ok', { duration_ms: 1500, wait_for_file: release }, { tasks_per_node: 2, memory: '2GB' });
    expect(submitted.status).toBe(201);
    expect(submitted.body.job).toMatchObject({ status: 'scheduled', native_id: expect.stringMatching(/^\d+$/) });
    const nativeId = submitted.body.job.native_id as string;
    const workDir = workDirOf(submitted.body.job);
    expect(spy.calls('bsub')).toEqual([['-J', 'lsf_ok', '-cwd', workDir, '-o', `${workDir}/lsf.%J.out`, '-env', expect.stringMatching(/(^|,)PATH(,|$)/)]]);
    // bsub read the #BSUB lines from stdin: the run limit, the slots and the resource string are the script's.
    expect(fakeJob(nativeId).options).toMatchObject({ '-W': '0:10', '-n': '2', '-R': ['rusage[mem=2048] span[hosts=1]'] });
    await sleep(700);
    expect(fakeJob(nativeId).stat).toBe('PEND');
    expect((await api.job('lsf_ok')).body.status).toBe('scheduled');
    await api.waitForStatus('lsf_ok', ['running'], 10_000);
    writeFileSync(release, '');
    const done = await api.waitForStatus('lsf_ok', ['completed', 'failed'], 15_000);
    expect(done).toMatchObject({ status: 'completed', exit_code: 0 });
    expect(readFileSync(done.log_path, 'utf8')).toMatch(/Simulation completed/);
    expect(readFileSync(`${workDir}/native_id`, 'utf8').trim()).toBe(nativeId);
    expect(readFileSync(`${workDir}/lsf.${nativeId}.out`, 'utf8')).toMatch(
      /Subject: Job \d+: <lsf_ok> in cluster <fake_cluster> Done[\s\S]*Successfully completed\./,
    );
    expect(execFileSync('bjobs', ['-a', '-noheader', '-o', "stat exit_code delimiter='|'", nativeId], { env: process.env }).toString()).toBe('DONE|-\n');
  });

  it('should report a failing solve as failed with the solver exit code', async () => {
    await submit('lsf_bad', { duration_ms: 300, exit_code: 3 });
    const done = await api.waitForStatus('lsf_bad', ['completed', 'failed'], 15_000);
    expect(done).toMatchObject({ status: 'failed', exit_code: 3 });
    expect(fakeJob(done.native_id)).toMatchObject({ stat: 'EXIT', exitCode: 3 });
  });

  it('should poll all tracked jobs with one bjobs call per interval', async () => {
    for (let i = 0; i < 4; i++) {
      await submit(`lsf_batch_${i}`, { duration_ms: 60_000, spawn_child: false });
    }
    const ids = await Promise.all([0, 1, 2, 3].map(async (i) => (await api.job(`lsf_batch_${i}`)).body.native_id as string));
    await api.waitForStatus('lsf_batch_3', ['running'], 10_000);
    const { polls, elapsedMs } = await nextPolls(lsfPolls, 3);
    expect(elapsedMs).toBeGreaterThanOrEqual(2 * 300 - 50); // no more often than the 300 ms interval
    for (const argv of polls) {
      expect(argv.slice(0, 4)).toEqual(['-a', '-noheader', '-o', "jobid stat exit_code exit_reason delimiter='|'"]);
      expect(argv.slice(4).sort()).toEqual([...ids].sort());
    }
    expect(spy.calls('bhist')).toEqual([]);
    for (let i = 0; i < 4; i++) await api.post(`/jobs/lsf_batch_${i}/cancel`);
  });

  it('should cancel a running job with bkill, see it end as TERM_OWNER, and find its processes gone', async () => {
    const project = 'lsf_cancel';
    await submit(project, { duration_ms: 60_000 });
    await api.waitForStatus(project, ['running'], 10_000);
    await waitFor(() => readRunRecords(`${projects}/${project}.aedt.runs`).some((r) => r.event === 'child') || undefined, 10_000, 'the solver to start');
    const cancelled = await api.post(`/jobs/${project}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.job.status).toBe('cancelled');
    const nativeId = cancelled.body.job.native_id as string;
    expect(spy.calls('bkill')).toEqual([[nativeId]]);
    expect(fakeJob(nativeId)).toMatchObject({ stat: 'EXIT', exitCode: 130, exitReason: 'TERM_OWNER: job killed by owner' });
    const pids = readRunRecords(`${projects}/${project}.aedt.runs`).map((r) => r.pid as number);
    await waitFor(() => pids.every((pid) => !isAlive(pid)) || undefined, 10_000, 'LSF to kill the solver');
    expect((await api.post(`/jobs/${project}/cancel`)).body.job.status).toBe('cancelled');
    // bkill of a finished job answers `Job has already finished` (rc 255): the backend treats it as done.
    await expect(harness.app.get(LsfBackend).cancel({ nativeId, workDir: workDirOf(cancelled.body.job) })).resolves.toBeUndefined();
  });

  it("should show LSF's pending reason while a job waits, refreshed each poll, and drop it once it runs", async () => {
    process.env.FAKE_LSF_PENDING_MS = '4000';
    process.env.FAKE_LSF_PEND_REASON = 'The queue is inactivated by the administrator';
    const submitted = await submit('lsf_pend_reason', { duration_ms: 300 });
    const nativeId = submitted.body.job.native_id as string;
    const waiting = await waitFor(
      async () => {
        const view = (await api.job('lsf_pend_reason')).body;
        return view.scheduler_reason ? view : undefined;
      },
      3_000,
      'the pending reason in the job view',
    );
    expect(waiting).toMatchObject({ status: 'scheduled', scheduler_state: 'PEND', scheduler_reason: 'The queue is inactivated by the administrator' });
    process.env.FAKE_LSF_PEND_REASON = 'Job dependency condition not satisfied';
    await waitFor(
      async () => ((await api.job('lsf_pend_reason')).body.scheduler_reason === 'Job dependency condition not satisfied' ? true : undefined),
      3_000,
      'the changed reason',
    );
    // Asked only for the job that waits, with the documented pend_reason field.
    expect(spy.calls('bjobs').filter((argv) => argv.join(' ').includes('pend_reason'))[0]).toEqual([
      '-noheader',
      '-o',
      "jobid pend_reason delimiter='|'",
      nativeId,
    ]);
    const done = await api.waitForStatus('lsf_pend_reason', ['completed', 'failed'], 15_000);
    expect(done).toMatchObject({ status: 'completed', exit_code: 0 });
    expect((await api.job('lsf_pend_reason')).body.scheduler_reason).toBeNull();
  });

  it('should cancel a job that is still pending without it ever starting', async () => {
    process.env.FAKE_LSF_PENDING_MS = '60000';
    await submit('lsf_cancel_pending', {});
    const cancelled = await api.post('/jobs/lsf_cancel_pending/cancel');
    expect(cancelled.body.job.status).toBe('cancelled');
    expect(fakeJob(cancelled.body.job.native_id)).toMatchObject({ stat: 'EXIT', exitReason: 'TERM_OWNER: job killed by owner', pgid: null });
    expect(existsSync(`${workDirOf(cancelled.body.job)}/native_id`)).toBe(false);
  });

  it('should settle jobs bjobs has forgotten from the exit-code file, else from bhist -l, else keep them as they were', async () => {
    process.env.FAKE_LSF_PURGE_AFTER_MS = '0'; // mbatchd forgets finished jobs at once (CLEAN_PERIOD)
    await submit('lsf_purged', { duration_ms: 300, exit_code: 4 });
    const purged = await api.waitForStatus('lsf_purged', ['completed', 'failed'], 15_000);
    expect(purged).toMatchObject({ status: 'failed', exit_code: 4 });
    expect(spy.calls('bhist')).toEqual([]); // the exit_code file sufficed

    // Killed outside the job manager: the script never wrote its exit_code file; only the event log knows.
    process.env.FAKE_LSF_BHIST_FORGET = '1';
    await submit('lsf_killed_outside', { duration_ms: 60_000 });
    const running = await api.waitForStatus('lsf_killed_outside', ['running'], 10_000);
    execFileSync('bkill', [running.native_id], { stdio: 'pipe', env: process.env }); // Jest's process.env is not the child_process default
    await waitFor(() => spy.calls('bhist').length >= 3 || undefined, 10_000, 'bhist lookups');
    expect((await api.job('lsf_killed_outside')).body.status).toBe('running'); // unknown to everyone: not guessed
    delete process.env.FAKE_LSF_BHIST_FORGET;
    const settled = await api.waitForStatus('lsf_killed_outside', ['cancelled', 'failed', 'completed'], 10_000);
    expect(settled).toMatchObject({ status: 'cancelled', exit_code: null, error: 'TERM_OWNER: job killed by owner' });
    expect(spy.calls('bhist').at(-1)).toEqual(['-a', '-l', '-n', '5', running.native_id]);
  });

  it("should answer 502 with bsub's own message when LSF rejects the job", async () => {
    const rejected = await submit('lsf_rejected', {}, { queue: 'nosuch' });
    expect(rejected.status).toBe(502);
    expect(rejected.body.error).toMatch(/nosuch: No such queue\. Job not submitted\./);
    expect((await api.job('lsf_rejected')).body.status).toBe('failed');
    expect(fakeJobs()).toEqual([]);
  });

  it('should say "bsub: command not found" when the LSF client is not on PATH', async () => {
    const saved = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      const response = await submit('lsf_nopath', {});
      expect(response.status).toBe(502);
      expect(response.body.error).toMatch(/^bsub: command not found\. Install the scheduler client or put it on PATH/);
    } finally {
      process.env.PATH = saved;
    }
  });

  it('should finish a poll under way before it stops, and call the scheduler no more after', async () => {
    process.env.FAKE_LSF_PENDING_MS = '60000';
    await submit('lsf_close', {});
    await waitFor(() => lsfPolls().length >= 1 || undefined, 10_000, 'a first poll');
    process.env.FAKE_LSF_DELAY_MS = '1500';
    process.env.FAKE_LSF_DELAY_COMMANDS = 'bjobs';
    const before = lsfPolls().length;
    await waitFor(() => lsfPolls().length > before || undefined, 10_000, 'a slow poll under way');
    const calledAt = Date.now();
    await harness.close();
    // Left running, that poll went on after close: in this file it once ran bhist against the next test's scheduler.
    expect(Date.now() - calledAt).toBeGreaterThanOrEqual(1000);
    const callCounts = () => ['bsub', 'bjobs', 'bkill', 'bhist'].map((command) => spy.calls(command).length);
    const callsAtClose = callCounts();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(callCounts()).toEqual(callsAtClose);
    await boot(harness.dataDir); // afterEach closes this one
  });

  it('should find a job by name while bjobs knows it, and by the id its script recorded once LSF has forgotten it', async () => {
    await submit('lsf_found', { duration_ms: 200 });
    const job = await api.waitForStatus('lsf_found', ['completed'], 15_000);
    const backend = harness.app.get(LsfBackend);
    const workDir = workDirOf(job);
    const empty = makeTempDir('lsf-empty-');
    try {
      expect(await backend.findByName('lsf_found', empty)).toEqual({ nativeId: job.native_id, workDir: empty });
      process.env.FAKE_LSF_PURGE_AFTER_MS = '0'; // bjobs -J no longer knows the name: the native_id file answers
      expect(await backend.findByName('lsf_found', workDir)).toEqual({ nativeId: job.native_id, workDir });
      expect(await backend.findByName('never_submitted', empty)).toBeNull();
    } finally {
      removeDir(empty);
    }
  });
});
