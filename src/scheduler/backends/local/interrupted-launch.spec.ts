import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { loadAppConfig } from '../../../config/app-config';
import { launchFiles, LocalLaunchFiles, SERVICE_LAUNCH_CLAIM } from './local-launch-files';
import { LocalProcessBackend, SUPERVISOR_SCRIPT } from './local-process.backend';

const FAKE_ANSYSEDT = resolve(__dirname, '../../../../test/fakes/bin/ansysedt');

/** A pid that certainly belonged to a process that has ended. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  await new Promise((done) => child.on('exit', done));
  return child.pid!;
}

/**
 * Every state the launch protocol can leave on disk when the service (or the supervisor) is killed at any point,
 * rebuilt file by file: service writes launch.json → supervisor writes supervisor.json → supervisor links
 * launch.lock (its pid inside) → solver starts (solver.json) → exit.json. A restarted service that finds no native
 * id stored takes the lock itself (SERVICE_LAUNCH_CLAIM, or empty on a full disk).
 */
describe(`${LocalProcessBackend.name}.resolveInterruptedLaunch: every on-disk launch state`, () => {
  let dir: string;
  let workDir: string;
  let files: LocalLaunchFiles;
  let project: string;
  let backend: LocalProcessBackend;
  const alive: ChildProcess[] = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'interrupted-'));
    workDir = join(dir, 'job');
    files = launchFiles(workDir, 1);
    project = join(dir, 'p.aedt');
    writeFileSync(project, JSON.stringify({ duration_ms: 50 }));
    backend = new LocalProcessBackend(loadAppConfig({ HFSS_JM_DATA_DIR: dir, HFSS_JM_KILL_GRACE_MS: '500' }), new EventEmitter2());
  });
  afterEach(() => {
    alive.splice(0).forEach((child) => child.kill('SIGKILL'));
    rmSync(dir, { recursive: true, force: true });
  });

  const launchJson = (): void => {
    mkdirSync(files.dir, { recursive: true });
    writeFileSync(files.launch, JSON.stringify({ argv: [FAKE_ANSYSEDT, '-batchsolve', project], cwd: workDir, logPath: join(workDir, 'solver.log'), files }));
  };
  const supervisorJson = (pid: number): void => writeFileSync(files.supervisor, JSON.stringify({ pid, startedAt: Date.now() }));
  const solverNeverRan = (): void => expect(existsSync(`${project}.runs`)).toBe(false);
  /** A supervisor started now on this launch must give up (exit 75) without starting the solver. */
  const lateSupervisorGivesUp = (): void => {
    let status = 0;
    try {
      execFileSync(process.execPath, [SUPERVISOR_SCRIPT, files.launch]);
    } catch (error) {
      status = (error as { status: number }).status;
    }
    expect(status).toBe(75);
    solverNeverRan();
  };

  it('should re-queue when the kill came before the launch directory existed', async () => {
    expect(await backend.resolveInterruptedLaunch(workDir)).toMatchObject({ kind: 'never-started' });
  });

  it('should re-queue, and stop a late supervisor, when the launch dir exists without launch.json', async () => {
    mkdirSync(files.dir, { recursive: true });
    expect(await backend.resolveInterruptedLaunch(workDir)).toMatchObject({ kind: 'never-started' });
    expect(existsSync(files.lock)).toBe(true);
  });

  it('should re-queue when launch.json was cut short', async () => {
    mkdirSync(files.dir, { recursive: true });
    writeFileSync(files.launch, '{"argv": ["ansys');
    expect(await backend.resolveInterruptedLaunch(workDir)).toMatchObject({ kind: 'never-started' });
  });

  it('should re-queue, and stop a late supervisor, when launch.json is written but no supervisor ran yet', async () => {
    launchJson();
    expect(await backend.resolveInterruptedLaunch(workDir)).toMatchObject({ kind: 'never-started' });
    lateSupervisorGivesUp();
  });

  it('should re-queue when the supervisor wrote supervisor.json and died before the lock (full disk, kill)', async () => {
    launchJson();
    supervisorJson(await deadPid());
    expect(await backend.resolveInterruptedLaunch(workDir)).toMatchObject({ kind: 'never-started' });
  });

  it('should re-queue, not fail, when an earlier restart took the lock and the late supervisor then gave up (exit 75)', async () => {
    launchJson();
    writeFileSync(files.lock, SERVICE_LAUNCH_CLAIM);
    supervisorJson(await deadPid());
    expect(await backend.resolveInterruptedLaunch(workDir)).toMatchObject({ kind: 'never-started' });
  });

  it('should re-queue, not fail, when an earlier restart took the lock and no supervisor ever ran', async () => {
    launchJson();
    writeFileSync(files.lock, SERVICE_LAUNCH_CLAIM);
    expect(await backend.resolveInterruptedLaunch(workDir)).toMatchObject({ kind: 'never-started' });
    lateSupervisorGivesUp();
  });

  it('should re-queue when an earlier restart created the lock but died (or ran out of space) before writing it', async () => {
    launchJson();
    writeFileSync(files.lock, '');
    supervisorJson(await deadPid());
    expect(await backend.resolveInterruptedLaunch(workDir)).toMatchObject({ kind: 'never-started' });
    lateSupervisorGivesUp();
  });

  it('should re-attach, with the pid and its start time, to a supervisor that holds the lock and lives', async () => {
    launchJson();
    const supervisor = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)']);
    alive.push(supervisor);
    supervisorJson(supervisor.pid!);
    writeFileSync(files.lock, String(supervisor.pid));
    const found = await backend.resolveInterruptedLaunch(workDir);
    expect(found.kind).toBe('running');
    expect(found.kind === 'running' && found.ref.nativeId).toMatch(new RegExp(`^${supervisor.pid}:\\d+:1$`));
  });

  it('should settle from exit.json, with the real exit code, a solve that ended while the service was down', async () => {
    launchJson();
    const pid = await deadPid();
    supervisorJson(pid);
    writeFileSync(files.lock, String(pid));
    writeFileSync(files.solver, JSON.stringify({ pid: pid + 1, startedAt: Date.now() }));
    writeFileSync(files.exit, JSON.stringify({ exitCode: 0, signal: null, endedAt: Date.now() }));
    expect(await backend.resolveInterruptedLaunch(workDir)).toEqual({ kind: 'ended', state: { status: 'completed', exitCode: 0 } });
  });

  it.each([
    ['after the solver started', true],
    ['between the lock and the solver start (the solver may have started: never re-run)', false],
  ])(
    'should fail, with the reason and without storing a pid, a supervisor that holds the lock and vanished without exit.json %s',
    async (_when, solverJson) => {
      launchJson();
      const pid = await deadPid();
      supervisorJson(pid);
      writeFileSync(files.lock, String(pid));
      if (solverJson) writeFileSync(files.solver, JSON.stringify({ pid: pid + 1, startedAt: Date.now() }));
      writeFileSync(`${files.exit}.${pid}.tmp`, '{"exitCode":');
      expect(await backend.resolveInterruptedLaunch(workDir)).toEqual({
        kind: 'ended',
        state: { status: 'failed', exitCode: null, reason: `the solver supervisor (pid ${pid}) ended without recording an exit status` },
      });
    },
  );

  it('should, for a live job whose supervisor ended before the lock, report that the solver never started', async () => {
    launchJson();
    const pid = await deadPid();
    supervisorJson(pid);
    const states = await backend.poll([{ nativeId: `${pid}:1:1`, workDir }]);
    expect(states.get(`${pid}:1:1`)).toMatchObject({ status: 'failed', solverNeverStarted: true });
  });
});
