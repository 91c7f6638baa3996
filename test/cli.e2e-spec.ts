import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { makeTempDir, removeDir, startTestApp, TestApp, writeProject } from './support/test-app';

const CLI = resolve(__dirname, '../dist/cli/main.js');

describe('hfss-job-manager CLI (built) against a running service', () => {
  let harness: TestApp;
  let projects: string;

  /** Runs the CLI asynchronously: the service under test lives in this same process and must keep answering. */
  const cli = (...args: string[]): Promise<{ code: number | null; out: string; err: string }> =>
    new Promise((resolveRun) => {
      const child = spawn(process.execPath, [CLI, ...args, '--url', harness.url], { cwd: projects });
      let out = '';
      let err = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
      child.on('close', (code) => resolveRun({ code, out, err }));
    });

  beforeEach(async () => {
    projects = makeTempDir('hfss-cli-');
    harness = await startTestApp();
  });

  afterEach(async () => {
    await harness.close();
    removeDir(harness.dataDir);
    removeDir(projects);
  });

  it('should submit configs with relative project paths, wait with progress, and exit 1 when a job failed', async () => {
    writeProject(projects, 'ok.aedt', { duration_ms: 300 });
    writeProject(projects, 'bad.aedt', { duration_ms: 100, exit_code: 7 });
    writeFileSync(
      join(projects, 'jobs.json'),
      JSON.stringify([
        { jobid: 'cli_ok', project_path: 'ok.aedt' },
        { jobid: 'cli_bad', project_path: 'bad.aedt' },
      ]),
    );
    const submitted = await cli('submit', 'jobs.json', '--wait');
    expect(submitted.out).toMatch(/submitted cli_ok/);
    expect(submitted.out).toMatch(/cli_ok\s+completed\s+100% exit=0/);
    expect(submitted.out).toMatch(/cli_bad\s+failed\s+(\d+%\s+)?exit=7/);
    expect(submitted.code).toBe(1);

    const again = await cli('submit', 'jobs.json');
    expect(again.out).toMatch(/exists\s+cli_ok/);
    expect(again.code).toBe(0);

    const status = await cli('status');
    expect(status.out).toMatch(/queued 0\s+running 0\/2/);
    expect(status.out).toMatch(/cli_bad\s+failed/);
    expect((await cli('wait', 'cli_ok')).code).toBe(0);
  });

  it('should cancel a running job and report errors from the service and the network clearly', async () => {
    writeProject(projects, 'long.aedt', { duration_ms: 30_000 });
    writeFileSync(join(projects, 'long.json'), JSON.stringify({ jobid: 'cli_long', project_path: 'long.aedt' }));
    expect((await cli('submit', 'long.json')).code).toBe(0);
    const cancelled = await cli('cancel', 'cli_long');
    expect(cancelled.out).toMatch(/cli_long\s+cancelled/);

    const missing = await cli('status', 'nope');
    expect(missing.code).toBe(3);
    expect(missing.err).toMatch(/hfss-job-manager: 404: Job nope not found/);
    writeFileSync(join(projects, 'invalid.json'), JSON.stringify({ project_path: 'x.txt' }));
    const invalid = await cli('submit', 'invalid.json');
    expect(invalid.err).toMatch(/400: project_path must end in .aedt or .aedb/);
    expect(invalid.code).toBe(6);

    const offline = spawnSync(process.execPath, [CLI, 'status', '--url', 'http://127.0.0.1:9'], { encoding: 'utf8' });
    expect(offline.status).toBe(4);
    expect(offline.stderr).toMatch(/cannot reach the job manager at http:\/\/127\.0\.0\.1:9/);
  });
});
