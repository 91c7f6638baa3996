import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { loadAppConfig } from '../../../config/app-config';
import { SUPERVISOR_SCRIPT, LocalProcessBackend } from './local-process.backend';
import { launchFiles, parseLocalNativeId } from './local-launch-files';
import { isProcessAlive } from '../../../platform/process-tree';

const FAKE_ANSYSEDT = resolve(__dirname, '../../../../test/fakes/bin/ansysedt');

async function until<T>(probe: () => T | undefined, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe(LocalProcessBackend.name, () => {
  let dir: string;
  let backend: LocalProcessBackend;
  let project: string;
  const started: string[] = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'local-backend-'));
    project = join(dir, 'p.aedt');
    writeFileSync(project, JSON.stringify({ duration_ms: 200, exit_code: 5, spawn_child: false }));
    backend = new LocalProcessBackend(loadAppConfig({ HFSS_JM_DATA_DIR: dir, HFSS_JM_KILL_GRACE_MS: '500' }), new EventEmitter2());
    const submit = backend.submit.bind(backend);
    jest.spyOn(backend, 'submit').mockImplementation(async (jobSpec) => {
      const ref = await submit(jobSpec);
      started.push(ref.nativeId);
      return ref;
    });
  });

  // Every supervisor a test started must have ended before its directory is removed, or it may still be writing there.
  afterEach(async () => {
    for (const nativeId of started.splice(0)) {
      const { pid, startTime } = parseLocalNativeId(nativeId);
      await until(() => (isProcessAlive(pid, startTime) ? undefined : true));
    }
    backend.onApplicationShutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  const spec = (workDir: string) => ({
    jobId: 'j',
    config: {} as never,
    argv: [FAKE_ANSYSEDT, '-ng', '-batchsolve', project],
    workDir,
    logPath: join(workDir, 'solver.log'),
  });

  it('should run the solver under a supervisor and report its real exit code', async () => {
    const ref = await backend.submit(spec(join(dir, 'job')));
    expect(ref.nativeId).toMatch(/^\d+:\d+:1$/);
    const final = await until(() => (existsSync(launchFiles(ref.workDir, 1).exit) ? true : undefined));
    expect(final).toBe(true);
    const states = await backend.poll([ref]);
    expect(states.get(ref.nativeId)).toEqual({ status: 'failed', exitCode: 5, reason: 'solver exited with code 5' });
    expect(readFileSync(join(ref.workDir, 'solver.log'), 'utf8')).toMatch(/Simulation failed with exit code 5/);
  });

  it("should run local solves without the service's HFSS_JM_ variables", async () => {
    process.env.HFSS_JM_API_TOKEN = 'local-secret-token-123456';
    try {
      const workDir = join(dir, 'env-job');
      const ref = await backend.submit({ ...spec(workDir), argv: ['/bin/sh', '-c', `env > ${JSON.stringify(join(dir, 'solver-env.txt'))}`] });
      await until(() => (existsSync(launchFiles(ref.workDir, 1).exit) ? true : undefined));
      const env = readFileSync(join(dir, 'solver-env.txt'), 'utf8');
      expect(env).toMatch(/^PATH=/m);
      expect(env).not.toMatch(/HFSS_JM_/);
    } finally {
      delete process.env.HFSS_JM_API_TOKEN;
    }
  });

  it('should report a missing solver executable as a failed launch, not a crash', async () => {
    const ref = await backend.submit({ ...spec(join(dir, 'nosolver')), argv: ['/nonexistent/ansysedt', '-batchsolve', project] });
    await until(() => (existsSync(launchFiles(ref.workDir, 1).exit) ? true : undefined));
    const state = (await backend.poll([ref])).get(ref.nativeId)!;
    expect(state.status).toBe('failed');
    expect(state.reason).toMatch(/could not start \/nonexistent\/ansysedt: spawn \/nonexistent\/ansysedt ENOENT/);
  });

  it('should make an interrupted launch that never reached the solver unstartable, so re-queueing it is safe', async () => {
    const workDir = join(dir, 'interrupted');
    const files = launchFiles(workDir, 1);
    mkdirSync(files.dir, { recursive: true });
    writeFileSync(files.launch, JSON.stringify({ argv: spec(workDir).argv, cwd: workDir, logPath: join(workDir, 'solver.log'), files }));

    expect(await backend.resolveInterruptedLaunch(workDir)).toMatchObject({ kind: 'never-started' });
    // A supervisor that starts late (it was still booting when the service died) finds the lock taken and gives up.
    let exitCode = 0;
    try {
      execFileSync(process.execPath, [SUPERVISOR_SCRIPT, files.launch]);
    } catch (error) {
      exitCode = (error as { status: number }).status;
    }
    expect(exitCode).toBe(75);
    expect(existsSync(`${project}.runs`)).toBe(false);
    expect(existsSync(files.solver)).toBe(false);
  });

  it('should find the supervisor of an interrupted launch that did start the solver', async () => {
    const ref = await backend.submit(spec(join(dir, 'started')));
    await until(() => (existsSync(launchFiles(ref.workDir, 1).exit) ? true : undefined));
    const { pid, startTime } = parseLocalNativeId(ref.nativeId);
    await until(() => (isProcessAlive(pid, startTime) ? undefined : true));
    expect(await backend.resolveInterruptedLaunch(ref.workDir)).toEqual({
      kind: 'ended',
      state: { status: 'failed', exitCode: 5, reason: 'solver exited with code 5' },
    });
  });

  it('should start each launch attempt in its own directory', async () => {
    const workDir = join(dir, 'again');
    const first = await backend.submit(spec(workDir));
    await until(() => (existsSync(launchFiles(workDir, 1).exit) ? true : undefined));
    const second = await backend.submit(spec(workDir));
    expect(second.nativeId.endsWith(':2')).toBe(true);
    expect(first.nativeId.endsWith(':1')).toBe(true);
    expect(existsSync(launchFiles(workDir, 2).launch)).toBe(true);
  });
});
