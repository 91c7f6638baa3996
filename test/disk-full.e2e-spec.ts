import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { apiClient, isAlive, waitFor } from './support/http';
import { describeWhen } from './support/required-in-ci';
import { runServiceUntilExit, ServiceProcess, startServiceProcess, stopServiceProcesses } from './support/service-process';
import { canMountTmpfs, diskIsFull, fillDisk, mountSmallDisk, unmountSmallDisk } from './support/small-disk';
import { makeTempDir, removeDir } from './support/test-app';

const GATED_ANSYSEDT = resolve(__dirname, 'fakes/gated/ansysedt');

describeWhen(
  canMountTmpfs(),
  'a mountable tmpfs (root on Linux)',
  'run the tests as root, as .ci/run does',
)('a full data disk (a real 16 MB tmpfs, filled to the last byte, then freed)', () => {
  let dataDir: string;
  let projects: string;
  let service: ServiceProcess;

  beforeEach(async () => {
    dataDir = makeTempDir('hfss-full-data-');
    projects = makeTempDir('hfss-full-projects-');
    mountSmallDisk(dataDir, 16);
    service = await startServiceProcess(dataDir, { HFSS_JM_ANSYSEDT_PATH: GATED_ANSYSEDT, HFSS_JM_MAX_CONCURRENT_JOBS: '2' });
  });
  afterEach(async () => {
    await stopServiceProcesses();
    unmountSmallDisk(dataDir);
    removeDir(dataDir);
    removeDir(projects);
  });

  /** A project for the gated fake solver: it runs until `open(name)` is called. */
  const project = (name: string, exitCode = 0): string => {
    const path = join(projects, `${name}.aedt`);
    writeFileSync(path, JSON.stringify({ exit_code: exitCode }));
    return path;
  };
  const open = (path: string): void => writeFileSync(`${path}.gate`, '');
  const solverPid = (path: string): Promise<number> =>
    waitFor(() => (existsSync(`${path}.started`) ? Number(readFileSync(`${path}.started`, 'utf8')) : undefined), 20_000, `${path} to start`);
  const stillUp = (): void => expect(service.child.exitCode).toBeNull();

  it('should keep running, record the real outcome of a solve that ended while full once space returns, and cancel while full', async () => {
    const api = apiClient(service.url);
    const finishing = project('finishing', 0);
    const failing = project('failing', 3);
    expect((await api.submit({ jobid: 'finishing', project_path: finishing })).status).toBe(201);
    expect((await api.submit({ jobid: 'failing', project_path: failing })).status).toBe(201);
    const toCancel = project('to_cancel');
    expect((await api.submit({ jobid: 'to_cancel', project_path: toCancel })).status).toBe(201);
    await solverPid(finishing);
    await solverPid(failing);

    const filler = fillDisk(dataDir);
    expect(diskIsFull(dataDir)).toBe(true);

    // Both solves end while nothing can be written: no exit record, no store write, and the service stays up.
    open(finishing);
    open(failing);
    await waitFor(() => existsSync(`${finishing}.ended`) && existsSync(`${failing}.ended`), 20_000, 'both solvers to end');
    const refused = project('refused');
    const whileFull = await api.submit({ jobid: 'refused', project_path: refused });
    expect([201, 507]).toContain(whileFull.status);
    // Accepted (the store still had room): it may start once space returns, and then ends at once.
    open(refused);
    stillUp();
    expect((await api.get('/health')).status).toBe(200);
    expect((await api.job('finishing')).body.status).not.toBe('failed');

    // A launch on the full disk cannot write its launch files: the job waits in the queue, it does not fail.
    expect((await api.put('/resources/limits', { max_concurrent_jobs: 4 })).status).toBe(200);
    const queue = await waitFor(
      async () => {
        const answer = (await api.get('/queue')).body as { blocked_reasons: string[] };
        return answer.blocked_reasons.some((reason) => reason.startsWith('the data disk could not be written')) ? answer : undefined;
      },
      20_000,
      'the queue to say the data disk is full',
    );
    expect(queue.blocked_reasons.join(' ')).toMatch(/ENOSPC|SQLITE_FULL|could not be written/);
    expect(['queued', 'running']).toContain((await api.job('to_cancel')).body.status);
    stillUp();

    // Cancel while full: answered (200 or 507), and asking again still works.
    const first = await api.post('/jobs/to_cancel/cancel');
    expect([200, 507]).toContain(first.status);
    const again = await api.post('/jobs/to_cancel/cancel');
    expect([200, 507]).toContain(again.status);
    stillUp();

    rmSync(filler);
    expect(await api.waitForStatus('finishing', ['completed', 'failed'], 30_000)).toMatchObject({ status: 'completed', exit_code: 0 });
    expect(await api.waitForStatus('failing', ['completed', 'failed'], 30_000)).toMatchObject({ status: 'failed', exit_code: 3 });
    expect((await api.post('/jobs/to_cancel/cancel')).status).toBe(200);
    expect((await api.job('to_cancel')).body.status).toBe('cancelled');

    // Launches work again.
    const after = project('after');
    expect((await api.submit({ jobid: 'after', project_path: after })).status).toBe(201);
    await solverPid(after);
    open(after);
    expect(await api.waitForStatus('after', ['completed', 'failed'], 30_000)).toMatchObject({ status: 'completed' });
    stillUp();
  });

  it('should kill a running solve cancelled while the disk is full, and record it cancelled once space returns', async () => {
    const api = apiClient(service.url);
    const running = project('running');
    expect((await api.submit({ jobid: 'running', project_path: running })).status).toBe(201);
    const pid = await solverPid(running);
    await api.waitForStatus('running', ['running']);
    await waitFor(async () => ((await api.job('running')).body.native_id ? true : undefined), 20_000, 'the native id');

    const filler = fillDisk(dataDir);
    const first = await api.post('/jobs/running/cancel');
    expect([200, 507]).toContain(first.status);
    await waitFor(() => !isAlive(pid), 20_000, 'the cancelled solver to die');
    expect([200, 507]).toContain((await api.post('/jobs/running/cancel')).status);
    stillUp();

    rmSync(filler);
    await waitFor(async () => ((await api.post('/jobs/running/cancel')).status === 200 ? true : undefined), 30_000, 'cancel to answer 200');
    expect((await api.job('running')).body).toMatchObject({ status: 'cancelled', error: 'cancelled on request' });
    stillUp();
  });

  it('should boot on a full data disk after a kill -9, serve reads, and record the solve that ended meanwhile once space returns', async () => {
    const api = apiClient(service.url);
    const survivor = project('survivor');
    expect((await api.submit({ jobid: 'survivor', project_path: survivor })).status).toBe(201);
    await solverPid(survivor);
    await waitFor(async () => ((await api.job('survivor')).body.native_id ? true : undefined), 20_000, 'the native id');
    service.child.kill('SIGKILL');
    await service.exited;
    const filler = fillDisk(dataDir);
    open(survivor);
    await waitFor(() => existsSync(`${survivor}.ended`), 20_000, 'the solver to end');

    service = await startServiceProcess(dataDir, { HFSS_JM_ANSYSEDT_PATH: GATED_ANSYSEDT });
    const after = apiClient(service.url);
    expect(diskIsFull(dataDir)).toBe(true);
    expect((await after.job('survivor')).body.status).toBe('running');
    expect([201, 507]).toContain((await after.submit({ jobid: 'while_full', project_path: project('while_full') })).status);
    stillUp();

    rmSync(filler);
    expect(await after.waitForStatus('survivor', ['completed', 'failed'], 30_000)).toMatchObject({ status: 'completed', exit_code: 0 });
    stillUp();
  });

  it('should refuse to boot on a full data disk after a clean stop, saying how much space to free', async () => {
    service.child.kill('SIGTERM');
    await service.exited;
    const filler = fillDisk(dataDir);
    const refused = await runServiceUntilExit(dataDir, { HFSS_JM_ANSYSEDT_PATH: GATED_ANSYSEDT });
    expect(refused.code).toBe(1);
    expect(refused.output).toMatch(
      /cannot open the job store .*jobs\.sqlite \(SQLITE_\w+.*\); the data disk has \d+ bytes free: free at least 1 MB on the file system of /,
    );
    rmSync(filler);
    service = await startServiceProcess(dataDir, { HFSS_JM_ANSYSEDT_PATH: GATED_ANSYSEDT });
    stillUp();
  });
});
