import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { launchFiles } from './local-launch-files';

const SUPERVISOR = resolve(__dirname, 'solver-supervisor.cjs');

const children: ChildProcess[] = [];

/** Runs the real supervisor on a solver that ends when `<dir>/release` exists; resolves with its exit once it is gone. */
function supervise(root: string): { workDir: string; exited: Promise<number | null> } {
  const workDir = join(root, 'jobs', 'j1');
  const files = launchFiles(workDir, 1);
  mkdirSync(files.dir, { recursive: true });
  const release = join(root, 'release');
  const solver = `const fs = require('fs'); setInterval(() => fs.existsSync(${JSON.stringify(release)}) && process.exit(3), 20);`;
  writeFileSync(files.launch, JSON.stringify({ argv: [process.execPath, '-e', solver], cwd: root, logPath: join(root, 'solver.log'), files }));
  const child = spawn(process.execPath, [SUPERVISOR, files.launch], { stdio: 'ignore' });
  children.push(child);
  return { workDir, exited: new Promise((done) => child.on('exit', (code) => done(code))) };
}

describe('solver-supervisor.cjs: the exit record', () => {
  let root: string;
  beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'hfss-supervisor-'))));
  afterEach(() => {
    // A supervisor ignores SIGTERM (it stays to record the end): one a failed test left behind goes with SIGKILL.
    for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(root, { recursive: true, force: true });
  });

  const waitForFile = async (path: string): Promise<void> => {
    for (let i = 0; i < 250 && !existsSync(path); i++) await new Promise((tick) => setTimeout(tick, 20));
    expect(existsSync(path)).toBe(true);
  };

  it('records how the solver ended, then ends', async () => {
    const { workDir, exited } = supervise(root);
    await waitForFile(launchFiles(workDir, 1).solver);
    writeFileSync(join(root, 'release'), '');
    expect(await exited).toBe(0);
    expect(JSON.parse(readFileSync(launchFiles(workDir, 1).exit, 'utf8'))).toMatchObject({ exitCode: 3, signal: null });
  });

  it('ends instead of retrying for ever when its launch directory was removed while the solver ran', async () => {
    const { workDir, exited } = supervise(root);
    await waitForFile(launchFiles(workDir, 1).solver);
    rmSync(workDir, { recursive: true, force: true });
    writeFileSync(join(root, 'release'), '');
    const outcome = await Promise.race([exited, new Promise((late) => setTimeout(() => late('still running after 5 s'), 5000))]);
    expect(outcome).toBe(0);
  });
});
