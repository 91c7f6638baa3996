import { nextPolls } from './support/poll-window';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WindowsHpcBackend } from '../src/scheduler/backends/windows-hpc/windows-hpc.backend';
import { useFakeScheduler } from './support/fake-scheduler';
import { apiClient, isAlive, readRunRecords, waitFor } from './support/http';
import { makeTempDir, removeDir, startTestApp, TestApp, writeProject } from './support/test-app';

/** HPC Pack cannot run here: test/fakes/windows-hpc/bin/job reproduces its `job` command and runs jobs for real. */
describe('Windows HPC backend against the fake HPC Pack `job` command on PATH', () => {
  let harness: TestApp;
  let api: ReturnType<typeof apiClient>;
  let projects: string;
  const fake = useFakeScheduler('windows-hpc', ['job']);
  const control = fake.control;
  const boot = async (dataDir?: string): Promise<void> => {
    harness = await startTestApp({
      dataDir,
      env: { HFSS_JM_SCHEDULER_POLL_INTERVAL_MS: '300', HFSS_JM_SCHEDULER_MAX_BACKOFF_MS: '600', HFSS_JM_SCHEDULER_COMMAND_TIMEOUT_MS: '2000' },
    });
    api = apiClient(harness.url);
  };
  const listCalls = () =>
    fake
      .spy()
      .calls('job')
      .filter((argv) => argv[0] === 'list');

  beforeEach(async () => {
    projects = makeTempDir('hfss hpc projects ');
    await boot();
  });

  afterEach(async () => {
    await harness.close();
    [harness.dataDir, projects].forEach(removeDir);
  });

  const submit = (jobid: string, behaviour: Record<string, unknown>, options: Record<string, unknown> = {}) =>
    api.submit({
      jobid,
      project_path: writeProject(projects, `${jobid} & co.aedt`, behaviour),
      scheduler_type: 'windows_hpc',
      scheduler_options: { time: '00:10:00', ...options },
    });
  const runs = (jobid: string) => `${projects}/${jobid} & co.aedt.runs`;

  it('should run a job (project path with spaces and &) to completion, and report a failure with the task exit code', async () => {
    control({ pending_ms: 400 });
    // Not ended before the test saw it running (a late poll under load would miss a short run's whole window).
    const release = join(projects, 'hpc_ok.release');
    const submitted = await submit('hpc_ok', { duration_ms: 800, wait_for_file: release });
    expect(submitted.status).toBe(201);
    expect(submitted.body.job).toMatchObject({ status: 'scheduled', native_id: expect.stringMatching(/^\d+$/) });
    await api.waitForStatus('hpc_ok', ['running'], 10_000);
    writeFileSync(release, '');
    expect(await api.waitForStatus('hpc_ok', ['completed', 'failed'], 15_000)).toMatchObject({ status: 'completed', exit_code: 0 });
    expect(readRunRecords(runs('hpc_ok'))[0].argv.at(-1)).toBe(`${projects}/hpc_ok & co.aedt`);
    await submit('hpc_bad', { duration_ms: 100, exit_code: 3 });
    expect(await api.waitForStatus('hpc_bad', ['completed', 'failed'], 15_000)).toMatchObject({ status: 'failed', exit_code: 3 });
  });

  it('should poll all tracked jobs with one job list call per interval', async () => {
    for (let i = 0; i < 3; i++) await submit(`hpc_batch_${i}`, { duration_ms: 60_000 });
    await api.waitForStatus('hpc_batch_2', ['running'], 10_000);
    const { polls, elapsedMs } = await nextPolls(listCalls, 3);
    expect(elapsedMs).toBeGreaterThanOrEqual(2 * 300 - 50); // no more often than the 300 ms interval
    for (const argv of polls) expect(argv).toEqual(['list', '/jobname:hfss-*', '/state:all', '/format:list']);
    for (let i = 0; i < 3; i++) await api.post(`/jobs/hpc_batch_${i}/cancel`);
  });

  it('should cancel with job cancel and kill the solver; cancelling again is harmless', async () => {
    await submit('hpc_cancel', { duration_ms: 60_000 });
    await api.waitForStatus('hpc_cancel', ['running'], 10_000);
    await waitFor(() => readRunRecords(runs('hpc_cancel')).some((r) => r.event === 'child') || undefined, 10_000, 'the solver');
    const cancelled = await api.post('/jobs/hpc_cancel/cancel');
    expect(cancelled.body.job.status).toBe('cancelled');
    expect(
      fake
        .spy()
        .calls('job')
        .filter((argv) => argv[0] === 'cancel'),
    ).toEqual([['cancel', cancelled.body.job.native_id]]);
    const pids = readRunRecords(runs('hpc_cancel')).map((r) => r.pid as number);
    await waitFor(() => pids.every((pid) => !isAlive(pid)) || undefined, 10_000, 'the solver to die');
    expect((await api.post('/jobs/hpc_cancel/cancel')).body.job.status).toBe('cancelled');
  });

  it('should refuse a solver argument cmd.exe would expand with 400, before anything is submitted', async () => {
    const response = await api.submit({
      jobid: 'hpc_percent',
      project_path: writeProject(projects, 'p.aedt'),
      design_name: '%USERPROFILE%',
      scheduler_type: 'windows_hpc',
    });
    expect(response.status).toBe(400);
    expect(response.body.error).toMatch(/cmd\.exe/);
    expect(
      fake
        .spy()
        .calls('job')
        .filter((argv) => argv[0] === 'submit'),
    ).toEqual([]);
  });

  it('should re-attach after a restart without a second submit, find jobs by name, and say when job is missing', async () => {
    await submit('hpc_survivor', { duration_ms: 1500 });
    await harness.close();
    await boot(harness.dataDir);
    const done = await api.waitForStatus('hpc_survivor', ['completed', 'failed'], 15_000);
    expect(done).toMatchObject({ status: 'completed' });
    expect(
      fake
        .spy()
        .calls('job')
        .filter((argv) => argv[0] === 'submit'),
    ).toHaveLength(1);
    expect(await harness.app.get(WindowsHpcBackend).findByName('hpc_survivor', '/tmp')).toEqual({ nativeId: done.native_id, workDir: '/tmp' });
    process.env.PATH = '/nonexistent';
    const missing = await submit('hpc_nopath', {});
    expect(missing.status).toBe(502);
    expect(missing.body.error).toMatch(/^job: command not found/);
  });
});
