import { chmodSync, copyFileSync, existsSync, mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LocalProcessBackend } from '../src/scheduler/backends/local/local-process.backend';
import { SCHEDULER_BACKENDS } from '../src/scheduler/scheduler.constants';
import { FakeClusterBackend } from './fakes/fake-cluster-backend';
import { apiClient } from './support/http';
import { FAKE_ANSYSEDT, makeTempDir, removeDir, startTestApp, TestApp, writeProject } from './support/test-app';

/** A copy of the fake solver at `dir/name`, executable. */
function installSolver(dir: string, name = 'ansysedt'): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  copyFileSync(FAKE_ANSYSEDT, path);
  chmodSync(path, 0o755);
  return path;
}

/** Replaces `path` by a symlink to `target` in one rename, as an attacker would between accept and start. */
function swapForSymlink(path: string, target: string): void {
  const staged = `${path}.swap`;
  symlinkSync(target, staged);
  renameSync(staged, path);
}

describe('executable policy and the re-check at launch', () => {
  let harness: TestApp | undefined;
  let api: ReturnType<typeof apiClient>;
  let dirs: string[];
  let work: string;

  const boot = async (env: Record<string, string> = {}, scheduler?: FakeClusterBackend): Promise<void> => {
    harness = await startTestApp({
      env: { HFSS_JM_SCHEDULER_POLL_INTERVAL_MS: '150', HFSS_JM_SCHEDULER_MAX_BACKOFF_MS: '1200', ...env },
      configure: scheduler
        ? (builder) =>
            builder
              .overrideProvider(SCHEDULER_BACKENDS)
              .useFactory({ inject: [LocalProcessBackend], factory: (local: LocalProcessBackend) => [local, scheduler] })
        : undefined,
    });
    dirs.push(harness.dataDir);
    api = apiClient(harness.url);
  };
  const jobCount = async (): Promise<number> => (await api.get('/jobs?limit=1')).body.total;
  /** Holds every local job in the queue (the fake host reports 5% CPU) until `release()`. */
  const hold = async (): Promise<void> => expect((await api.put('/resources/limits', { max_cpu_percent: 1 })).status).toBe(200);
  const release = async (): Promise<void> => expect((await api.put('/resources/limits', { max_cpu_percent: 100 })).status).toBe(200);

  beforeEach(() => {
    work = makeTempDir('hfss-exe-');
    dirs = [work];
  });
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
    dirs.forEach(removeDir);
  });

  describe('without HFSS_JM_EXECUTABLE_ROOTS', () => {
    beforeEach(() => boot());

    it.each([
      [
        'a directory named like the solver',
        () => (mkdirSync(join(work, 'dir', 'ansysedt'), { recursive: true }), join(work, 'dir', 'ansysedt')),
        /is not a regular file \(it is a directory\)/,
      ],
      [
        'a script named otherwise',
        () => installSolver(join(work, 'bin'), 'solve.sh'),
        /is not named like the solver \(ansysedt or ansysedt.exe\).*HFSS_JM_EXECUTABLE_ROOTS/,
      ],
      ['a system program', () => '/bin/sh', /\/bin\/sh.* is not named like the solver/],
      [
        'a symlink named ansysedt to /bin/sh',
        () => (mkdirSync(join(work, 'l')), symlinkSync('/bin/sh', join(work, 'l', 'ansysedt')), join(work, 'l', 'ansysedt')),
        /resolves to .*sh\) is not named like the solver/,
      ],
      [
        'a non-executable file named ansysedt',
        () => (mkdirSync(join(work, 'n')), writeFileSync(join(work, 'n', 'ansysedt'), '#!/bin/sh\n', { mode: 0o644 }), join(work, 'n', 'ansysedt')),
        /is not executable by the service user/,
      ],
    ])('should answer 400 for %s and store nothing', async (_what, make, message) => {
      const project = writeProject(work, 'p.aedt');
      const before = await jobCount();
      const response = await api.submit({ project_path: project, ansys_edt_path: make() });
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ success: false, error: expect.stringMatching(message), code: 'VALIDATION_FAILED' });
      expect(await jobCount()).toBe(before);
    });

    it('should run a regular executable named ansysedt, and the service default without any check of the name', async () => {
      const project = writeProject(work, 'p.aedt', { duration_ms: 50 });
      const own = installSolver(join(work, 'AnsysEM', 'v242', 'Linux64'));
      const submitted = await api.submit({ jobid: 'own_solver', project_path: project, ansys_edt_path: own });
      expect(submitted.status).toBe(201);
      expect(submitted.body.job.command[0]).toBe(own);
      expect(await api.waitForStatus('own_solver', ['completed', 'failed'])).toMatchObject({ status: 'completed' });
      expect((await api.submit({ jobid: 'default_solver', project_path: project })).status).toBe(201);
      expect(await api.waitForStatus('default_solver', ['completed', 'failed'])).toMatchObject({ status: 'completed' });
    });

    it('should fail, never run, a job whose executable was swapped for a symlink to another program before it started', async () => {
      const project = writeProject(work, 'p.aedt', { duration_ms: 50 });
      const solver = installSolver(join(work, 'bin'));
      await hold();
      expect((await api.submit({ jobid: 'exe_swapped', project_path: project, ansys_edt_path: solver })).status).toBe(201);
      const impostor = installSolver(join(work, 'elsewhere'), 'evil');
      swapForSymlink(solver, impostor);
      await release();
      const failed = await api.waitForStatus('exe_swapped', ['completed', 'failed']);
      expect(failed).toMatchObject({ status: 'failed', started_at: null, native_id: null });
      expect(failed.error).toMatch(
        /ansys_edt_path .*bin\/ansysedt \(resolves to .*elsewhere\/evil\) is not named like the solver.*re-checked at start.*the job was not started/,
      );
      expect(existsSync(`${project}.runs`)).toBe(false);
    });

    it('should fail a job whose executable was replaced by another file named ansysedt (same path, other inode)', async () => {
      const project = writeProject(work, 'p.aedt', { duration_ms: 50 });
      const solver = installSolver(join(work, 'bin'));
      await hold();
      expect((await api.submit({ jobid: 'exe_replaced', project_path: project, ansys_edt_path: solver })).status).toBe(201);
      installSolver(join(work, 'other'));
      swapForSymlink(solver, join(work, 'other', 'ansysedt'));
      await release();
      const failed = await api.waitForStatus('exe_replaced', ['completed', 'failed']);
      expect(failed.error).toMatch(/ansys_edt_path .* is no longer the file accepted at submission/);
      expect(existsSync(`${project}.runs`)).toBe(false);
    });

    it('should fail a job whose project was swapped for a symlink to another project before it started', async () => {
      const project = writeProject(work, 'p.aedt', { duration_ms: 50 });
      const other = writeProject(work, 'other.aedt', { duration_ms: 50 });
      await hold();
      expect((await api.submit({ jobid: 'project_swapped', project_path: project })).status).toBe(201);
      swapForSymlink(project, other);
      await release();
      const failed = await api.waitForStatus('project_swapped', ['completed', 'failed']);
      expect(failed).toMatchObject({ status: 'failed', started_at: null });
      expect(failed.error).toMatch(/project_path .*p\.aedt \(now resolves to .*other\.aedt\) is no longer the file accepted at submission/);
      expect(existsSync(`${project}.runs`) || existsSync(`${other}.runs`)).toBe(false);
    });

    it('should keep a queued job off the disk, and fail a batch job whose project was swapped before it started', async () => {
      const project = writeProject(work, 'b.aedt', { duration_ms: 50 });
      const other = writeProject(work, 'other_b.aedt', { duration_ms: 50 });
      await hold();
      const batch = await api.post('/jobs/submit-batch', { jobs: [{ jobid: 'batch_swapped', project_path: project }] });
      expect(batch.status).toBe(200);
      expect(batch.body.accepted).toBe(1);
      // Accepted and durable, with the identity of b.aedt in its row: nothing is written for it until it starts.
      expect(existsSync(join(harness!.dataDir, 'jobs', 'batch_swapped'))).toBe(false);
      swapForSymlink(project, other);
      await release();
      const failed = await api.waitForStatus('batch_swapped', ['completed', 'failed']);
      expect(failed).toMatchObject({ status: 'failed', started_at: null });
      expect(failed.error).toMatch(/project_path .*b\.aedt \(now resolves to .*other_b\.aedt\) is no longer the file accepted at submission/);
      expect(existsSync(`${project}.runs`) || existsSync(`${other}.runs`)).toBe(false);
    });

    it("should make a local job's work dir when it starts, not when it is accepted", async () => {
      const project = writeProject(work, 'w.aedt', { duration_ms: 50 });
      await hold();
      expect((await api.submit({ jobid: 'work_dir_later', project_path: project })).status).toBe(201);
      const workDir = join(harness!.dataDir, 'jobs', 'work_dir_later');
      expect(existsSync(workDir)).toBe(false);
      expect((await api.get('/jobs/work_dir_later/files')).status).toBe(200);
      await release();
      expect((await api.waitForStatus('work_dir_later', ['completed', 'failed'])).status).toBe('completed');
      expect(existsSync(join(workDir, 'solver.log'))).toBe(true);
    });

    it('should fail a job whose project disappeared before it started', async () => {
      const project = writeProject(work, 'gone.aedt');
      await hold();
      expect((await api.submit({ jobid: 'project_gone', project_path: project })).status).toBe(201);
      rmSync(project);
      await release();
      expect((await api.waitForStatus('project_gone', ['completed', 'failed'])).error).toMatch(
        /project_path .*gone\.aedt no longer exists; the job was not started/,
      );
    });
  });

  describe('with HFSS_JM_PROJECT_ROOTS and HFSS_JM_EXECUTABLE_ROOTS', () => {
    let projects: string;
    let solvers: string;
    let outside: string;

    beforeEach(async () => {
      projects = join(work, 'projects');
      solvers = join(work, 'solvers');
      outside = join(work, 'outside');
      [projects, solvers, outside].forEach((dir) => mkdirSync(dir));
      await boot({ HFSS_JM_PROJECT_ROOTS: projects, HFSS_JM_EXECUTABLE_ROOTS: solvers });
    });

    it('should accept any regular executable under the roots and refuse one outside them, whatever its name', async () => {
      const project = writeProject(projects, 'p.aedt', { duration_ms: 50 });
      const wrapper = installSolver(solvers, 'site-solver-wrapper');
      expect((await api.submit({ jobid: 'wrapper', project_path: project, ansys_edt_path: wrapper })).status).toBe(201);
      expect(await api.waitForStatus('wrapper', ['completed', 'failed'])).toMatchObject({ status: 'completed' });
      const refused = await api.submit({ project_path: project, ansys_edt_path: installSolver(outside) });
      expect(refused.status).toBe(400);
      expect(refused.body.error).toMatch(/ansys_edt_path .*outside\/ansysedt is outside the allowed directories/);
      mkdirSync(join(solvers, 'ansysedt'));
      expect((await api.submit({ project_path: project, ansys_edt_path: join(solvers, 'ansysedt') })).body.error).toMatch(/is not a regular file/);
    });

    it('should fail a job whose accepted project became a symlink out of the roots before it started', async () => {
      const project = writeProject(projects, 'p.aedt', { duration_ms: 50 });
      const escape = writeProject(outside, 'secret.aedt', { duration_ms: 50 });
      await hold();
      const submitted = await api.submit({ jobid: 'escape', project_path: project });
      expect(submitted.status).toBe(201);
      swapForSymlink(project, escape);
      await release();
      const failed = await api.waitForStatus('escape', ['completed', 'failed']);
      expect(failed.error).toMatch(/project_path .*projects\/p\.aedt \(now resolves to .*outside\/secret\.aedt\) is now outside the allowed directories/);
      expect(existsSync(`${escape}.runs`) || existsSync(`${project}.runs`)).toBe(false);
    });

    it('should fail a job whose executable became a symlink out of the roots before it started', async () => {
      const project = writeProject(projects, 'p.aedt', { duration_ms: 50 });
      const solver = installSolver(solvers);
      await hold();
      expect((await api.submit({ jobid: 'exe_escape', project_path: project, ansys_edt_path: solver })).status).toBe(201);
      swapForSymlink(solver, installSolver(outside));
      await release();
      expect((await api.waitForStatus('exe_escape', ['completed', 'failed'])).error).toMatch(
        /ansys_edt_path .* is outside the allowed directories.*re-checked at start/,
      );
      expect(existsSync(`${project}.runs`)).toBe(false);
    });
  });

  describe('cluster submissions', () => {
    let scheduler: FakeClusterBackend;
    beforeEach(async () => {
      scheduler = new FakeClusterBackend();
      await boot({}, scheduler);
    });

    it('should apply the executable policy to cluster jobs too', async () => {
      const project = writeProject(work, 'c.aedt');
      const response = await api.submit({ project_path: project, scheduler_type: 'slurm', ansys_edt_path: '/bin/sh' });
      expect(response.status).toBe(400);
      expect(scheduler.submitCalls).toBe(0);
    });

    it('should re-check before submitting again, and never submit a job whose project was swapped meanwhile', async () => {
      const project = writeProject(work, 'c.aedt');
      scheduler.nextSubmit = 'lost-request';
      expect((await api.submit({ jobid: 'cluster_swap', project_path: project, scheduler_type: 'slurm' })).status).toBe(202);
      swapForSymlink(project, writeProject(work, 'other.aedt'));
      const failed = await api.waitForStatus('cluster_swap', ['failed', 'scheduled']);
      expect(failed).toMatchObject({ status: 'failed', native_id: null });
      expect(failed.error).toMatch(/project_path .*c\.aedt .* is no longer the file accepted at submission.*; the job was not started/);
      expect(scheduler.submitCalls).toBe(1);
      expect(scheduler.jobs.size).toBe(0);
    });
  });
});
