import { execFileSync } from 'node:child_process';
import { closeSync, constants, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { loadAppConfig } from '../../../config/app-config';
import { LaunchInterruptedError, LocalProcessBackend } from './local-process.backend';
import { LocalProcessExitedEvent } from './local-process-exited.event';
import { launchFiles, parseLocalNativeId, SERVICE_LAUNCH_CLAIM } from './local-launch-files';
import { LaunchSpawnerClient, SpawnerLaunchError } from './launch-spawner.client';
import { isProcessAlive, parseProcStat, processStartTime } from '../../../platform/process-tree';

const FAKE_ANSYSEDT = resolve(__dirname, '../../../../test/fakes/bin/ansysedt');

async function until<T>(probe: () => T | undefined, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('launch spawner (the long-lived child that starts supervisors)', () => {
  let dir: string;
  let backend: LocalProcessBackend;
  let events: EventEmitter2;
  let project: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'launch-spawner-'));
    project = join(dir, 'p.aedt');
    writeFileSync(project, JSON.stringify({ duration_ms: 100, exit_code: 0, spawn_child: false }));
    events = new EventEmitter2();
    backend = new LocalProcessBackend(loadAppConfig({ HFSS_JM_DATA_DIR: dir, HFSS_JM_KILL_GRACE_MS: '500' }), events);
    backend.onApplicationBootstrap();
  });

  afterEach(() => {
    backend.onApplicationShutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  const spec = (name: string) => ({
    jobId: name,
    config: {} as never,
    argv: [FAKE_ANSYSEDT, '-ng', '-batchsolve', project],
    workDir: join(dir, name),
    logPath: join(dir, name, 'solver.log'),
  });
  const runs = () =>
    existsSync(`${project}.runs`)
      ? readFileSync(`${project}.runs`, 'utf8')
          .split('\n')
          .filter((line) => line.includes('"start"')).length
      : 0;

  it("should report a supervisor's exit at once, before any poll", async () => {
    const exited = new Promise<string>((done) => events.on(LocalProcessExitedEvent.name, (event: LocalProcessExitedEvent) => done(event.nativeId)));
    const ref = await backend.submit(spec('notified'));
    expect(await exited).toBe(ref.nativeId);
    expect(existsSync(launchFiles(ref.workDir, 1).exit)).toBe(true);
  });

  /** Live processes whose parent is `pid` (the spawner's supervisors stay its children until they exit). */
  const childrenOf = (pid: number): number[] =>
    readdirSync('/proc')
      .filter((name) => /^\d+$/.test(name))
      .map((name) => {
        try {
          return parseProcStat(readFileSync(`/proc/${name}/stat`, 'utf8'));
        } catch {
          return undefined;
        }
      })
      .filter((stat) => stat !== undefined && stat.ppid === pid && stat.state !== 'Z')
      .map((stat) => stat!.pid);

  const onLinux = process.platform === 'linux' ? it : it.skip;

  onLinux('should write launch.json itself and answer with the supervisor and its start time', async () => {
    const ref = await backend.submit(spec('written'));
    const { pid, startTime } = parseLocalNativeId(ref.nativeId);
    expect(startTime).toBe(processStartTime(pid));
    const files = launchFiles(ref.workDir, 1);
    expect(JSON.parse(readFileSync(files.launch, 'utf8'))).toEqual({ argv: spec('written').argv, cwd: ref.workDir, logPath: spec('written').logPath, files });
    await until(() => (existsSync(files.exit) ? true : undefined));
  });

  onLinux('should refuse a launch whose launch.json cannot be written, with its errno, and hand nothing to the spare', async () => {
    const spawner = backend.spawnerPid()!;
    const spare = await until(() => childrenOf(spawner)[0]);
    const client = (backend as unknown as { spawner: LaunchSpawnerClient }).spawner;
    const error = (await client.launch(join(dir, 'no-such-dir', 'launch.json'), '{}').catch((reason: unknown) => reason)) as SpawnerLaunchError;
    expect(error).toBeInstanceOf(SpawnerLaunchError);
    expect(error.code).toBe('ENOENT');
    expect(childrenOf(spawner)).toEqual([spare]);
  });

  onLinux('should boot the next spare only once the supervisor handed a launch has started its solver', async () => {
    const spawner = backend.spawnerPid()!;
    const spare = await until(() => childrenOf(spawner)[0]);
    // The log is a FIFO without a reader: the supervisor blocks opening it, before it starts the solver.
    const workDir = join(dir, 'held');
    mkdirSync(workDir);
    const fifo = join(workDir, 'solver.log');
    execFileSync('mkfifo', [fifo]);
    const ref = await backend.submit({ ...spec('held'), logPath: fifo });
    expect(parseLocalNativeId(ref.nativeId).pid).toBe(spare);
    await until(() => (existsSync(launchFiles(workDir, 1).lock) ? true : undefined));
    await new Promise((r) => setTimeout(r, 300));
    expect(childrenOf(spawner)).toEqual([spare]);
    const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      await until(() => (childrenOf(spawner).length === 2 ? true : undefined));
      expect(existsSync(launchFiles(workDir, 1).solver)).toBe(true);
      await until(() => (existsSync(launchFiles(workDir, 1).exit) ? true : undefined));
    } finally {
      closeSync(reader);
    }
  });

  onLinux('should report the end as soon as the supervisor says exit.json is written, not only when it exits', async () => {
    // A stand-in supervisor: takes the launch, says it started and ended, then lingers (a slow exit).
    const script = join(dir, 'lingering-supervisor.cjs');
    writeFileSync(
      script,
      "const fs = require('node:fs'); fs.readSync(0, Buffer.alloc(4096)); fs.writeSync(1, 'started\\n'); fs.writeSync(1, 'ended\\n'); setTimeout(() => undefined, 20000);",
    );
    const exited: number[] = [];
    const client = new LaunchSpawnerClient(
      script,
      () => process.env,
      (pid) => exited.push(pid),
    );
    try {
      mkdirSync(join(dir, 'lingering'));
      const { pid } = await client.launch(join(dir, 'lingering', 'launch.json'), '{}');
      await until(() => (exited.length > 0 ? true : undefined));
      expect(exited).toEqual([pid]);
      expect(isProcessAlive(pid)).toBe(true);
      process.kill(pid, 'SIGKILL');
      await until(() => (!isProcessAlive(pid) ? true : undefined));
      await new Promise((r) => setTimeout(r, 200));
      // Reported once, not again when it exits.
      expect(exited).toEqual([pid]);
    } finally {
      client.close();
    }
  });

  it('should never run a launch that the spawner had not handed on when it was killed, and re-queue it', async () => {
    const spawner = backend.spawnerPid()!;
    process.kill(spawner, 'SIGSTOP');
    const launch = backend.submit(spec('in-flight'));
    const files = launchFiles(join(dir, 'in-flight'), 1);
    await until(() => (existsSync(files.dir) ? true : undefined));
    process.kill(spawner, 'SIGKILL');
    const error = (await launch.then(
      () => undefined,
      (reason: unknown) => reason,
    )) as LaunchInterruptedError;
    expect(error).toBeInstanceOf(LaunchInterruptedError);
    expect(error.outcome.kind).toBe('never-started');
    // The lock is the service's now: no supervisor can start this attempt's solver later.
    expect(readFileSync(files.lock, 'utf8')).toBe(SERVICE_LAUNCH_CLAIM);
    expect(existsSync(files.supervisor)).toBe(false);
  });

  it('should start the spawner again after it is killed idle, and launch through the new one', async () => {
    const first = backend.spawnerPid()!;
    process.kill(first, 'SIGKILL');
    await until(() => (!isProcessAlive(first) ? true : undefined));
    const second = await until(() => {
      const pid = backend.spawnerPid();
      return pid !== undefined && pid !== first ? pid : undefined;
    });
    expect(isProcessAlive(second)).toBe(true);
    const ref = await backend.submit(spec('after-restart'));
    await until(() => (existsSync(launchFiles(ref.workDir, 1).exit) ? true : undefined));
    expect((await backend.poll([ref])).get(ref.nativeId)).toEqual({ status: 'completed', exitCode: 0 });
  });

  it('should run each launch at most once when the spawner is killed at any moment of it', async () => {
    const outcomes: string[] = [];
    for (let i = 0; i < 6; i++) {
      const spawner = await until(() => backend.spawnerPid());
      const launch = backend.submit(spec(`race-${i}`));
      setTimeout(() => process.kill(spawner, 'SIGKILL'), i * 3);
      const outcome = await launch.then(
        async (ref) => {
          await until(() => (existsSync(launchFiles(ref.workDir, 1).exit) ? true : undefined));
          return 'ran';
        },
        (error: unknown) => (error instanceof LaunchInterruptedError ? error.outcome.kind : `error: ${String(error)}`),
      );
      outcomes.push(outcome);
      await until(() => (!isProcessAlive(spawner) ? true : undefined));
    }
    const ran = outcomes.filter((outcome) => outcome === 'ran').length;
    expect(outcomes.every((outcome) => ['ran', 'never-started', 'ended'].includes(outcome))).toBe(true);
    // Every solve that started was reported as started: none ran unseen, none twice.
    await until(() => (runs() === ran + outcomes.filter((outcome) => outcome === 'ended').length ? true : undefined));
  }, 120_000);
});
