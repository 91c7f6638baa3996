import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BatchSubmissionService } from '../src/jobs/submission/batch-submission.service';
import { makeTempDir, removeDir, startTestApp, TestApp, writeProject } from './support/test-app';

const CLI = resolve(__dirname, '../dist/cli/main.js');

describe('hfss-job-manager submit with several configs (built CLI)', () => {
  let harness: TestApp;
  let projects: string;

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
    projects = makeTempDir('hfss-cli-batch-');
    harness = await startTestApp();
  });

  afterEach(async () => {
    await harness.close();
    removeDir(harness.dataDir);
    removeDir(projects);
  });

  it('sends an array in one batch request, prints every outcome in order and exits 6 when some were refused', async () => {
    writeProject(projects, 'a.aedt', { duration_ms: 100 });
    const spy = jest.spyOn(harness.app.get(BatchSubmissionService), 'submitMany');
    writeFileSync(
      join(projects, 'sweep.json'),
      JSON.stringify([
        { jobid: 'sw_1', project_path: 'a.aedt' },
        { jobid: 'sw_missing', project_path: 'none.aedt' },
        { jobid: 'sw_2', project_path: 'a.aedt', priority: 3 },
      ]),
    );
    const run = await cli('submit', 'sweep.json', '--wait', '--timeout', '60');
    expect(spy).toHaveBeenCalledTimes(1);
    expect(run.out).toMatch(/submitted sw_1[\s\S]*submitted sw_2/);
    expect(run.out).toMatch(/sw_1\s+completed/);
    expect(run.err).toMatch(/refused\s+\[1\] sw_missing FILE_NOT_FOUND: Project file not found: .*none\.aedt/);
    expect(run.err).toMatch(/1 of 3 configs were refused/);
    expect(run.code).toBe(6);

    const again = await cli('submit', 'sweep.json', '--json');
    const printed = JSON.parse(again.out) as { results: Array<{ status: string }> };
    expect(printed.results.map((result) => result.status)).toEqual(['duplicate', 'rejected', 'duplicate']);
  });
});
