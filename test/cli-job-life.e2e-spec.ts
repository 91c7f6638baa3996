import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { unzip } from './support/unzip';
import { makeTempDir, removeDir, startTestApp, TestApp, writeProject } from './support/test-app';

const CLI = resolve(__dirname, '../dist/cli/main.js');
const TOKEN = 'cli-token-0123456789';

describe('hfss-job-manager CLI: token, logs, files, download, list, retry, upload, exit codes', () => {
  let harness: TestApp;
  let projects: string;

  /** Runs the built CLI asynchronously (the service lives in this process), with the token from the environment. */
  const cli = (args: string[], env: Record<string, string> = { HFSS_JM_API_TOKEN: TOKEN }) =>
    new Promise<{ code: number | null; out: string; err: string; bytes: Buffer }>((resolveRun) => {
      const child = spawn(process.execPath, [CLI, ...args], { cwd: projects, env: { PATH: process.env.PATH, HFSS_JM_URL: harness.url, ...env } });
      const chunks: Buffer[] = [];
      let err = '';
      child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
      child.on('close', (code) => resolveRun({ code, out: Buffer.concat(chunks).toString(), err, bytes: Buffer.concat(chunks) }));
    });

  const jobStatus = async (id: string): Promise<string> => {
    const response = await fetch(`${harness.url}/jobs/${id}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    return ((await response.json()) as { status: string }).status;
  };

  beforeAll(async () => {
    projects = makeTempDir('hfss-cli-life-');
    harness = await startTestApp({ env: { HFSS_JM_API_TOKEN: TOKEN, HFSS_JM_PROGRESS_INTERVAL_MS: '100' } });
  });

  afterAll(async () => {
    await harness.close();
    removeDir(harness.dataDir);
    removeDir(projects);
  });

  it('should refuse without the token (exit 6) and work with --token or HFSS_JM_API_TOKEN', async () => {
    const refused = await cli(['status'], {});
    expect(refused.code).toBe(6);
    expect(refused.err).toMatch(/401/);
    expect((await cli(['status', '--token', TOKEN], {})).code).toBe(0);
    expect((await cli(['status'])).code).toBe(0);
  });

  it('should follow a log until the job ends, print its tail, list and download its files and the archive', async () => {
    const results = { 'S11.csv': 'f,s11\n1e9,-12\n', 'fields/E.fld': 'field data' };
    writeProject(projects, 'horn.aedt', { duration_ms: 1500, progress_steps: 4, results_files: results });
    writeFileSync(join(projects, 'horn.json'), JSON.stringify({ jobid: 'cli_horn', project_path: 'horn.aedt' }));
    expect((await cli(['submit', 'horn.json'])).code).toBe(0);

    const followed = await cli(['logs', 'cli_horn', '-f']);
    expect(followed.code).toBe(0);
    expect(followed.out).toMatch(/adaptive pass 1 of 4[\s\S]*adaptive pass 4 of 4[\s\S]*Simulation completed/);
    expect(followed.out.match(/adaptive pass 4 of 4/g)).toHaveLength(1); // each chunk once
    expect(await jobStatus('cli_horn')).toBe('completed');

    const tail = await cli(['logs', 'cli_horn', '--tail', '1']);
    expect(tail.out.trim()).toBe('[info] Simulation completed');

    const files = await cli(['files', 'cli_horn']);
    expect(files.code).toBe(0);
    expect(files.out.split('\n')[0]).toMatch(/^ROOT\s+PATH\s+SIZE\s+MODIFIED$/);
    expect(files.out).toMatch(/results\s+S11\.csv\s+14 B/);
    const listed = JSON.parse((await cli(['files', 'cli_horn', '--json'])).out) as { items: Array<{ root: string; path: string }> };
    expect(listed.items).toEqual(expect.arrayContaining([expect.objectContaining({ root: 'results', path: 'fields/E.fld' })]));

    const one = await cli(['download', 'cli_horn', 'results/S11.csv', '-o', '-']);
    expect(one.out).toBe(results['S11.csv']);
    expect((await cli(['download', 'cli_horn', 'results/fields/E.fld'])).code).toBe(0);
    expect(readFileSync(join(projects, 'E.fld'), 'utf8')).toBe('field data');
    const archive = await cli(['download', 'cli_horn', '-o', 'all.zip']);
    expect(archive.err).toMatch(/wrote all\.zip/);
    expect([...(await unzip(readFileSync(join(projects, 'all.zip')))).keys()]).toEqual(
      expect.arrayContaining([expect.stringMatching(/S11\.csv$/), expect.stringMatching(/E\.fld$/)]),
    );

    expect(await cli(['files', 'no_such_job'])).toMatchObject({ code: 3, err: expect.stringMatching(/404: Job no_such_job not found/) });
    // The service answers a missing file with 400 (its FileNotFound code), so this is a refusal (6), not a 404 (3).
    const missing = await cli(['download', 'cli_horn', 'results/nope.txt', '-o', '-']);
    expect(missing).toMatchObject({ code: 6, err: expect.stringMatching(/File of job cli_horn not found: results\/nope\.txt/) });
  });

  it('should list with headers, filter by status, answer --json, and exit 1 when a followed job fails', async () => {
    writeProject(projects, 'bad.aedt', { duration_ms: 200, exit_code: 7 });
    writeFileSync(join(projects, 'bad.json'), JSON.stringify({ jobid: 'cli_bad', project_path: 'bad.aedt' }));
    const waited = await cli(['submit', 'bad.json', '--wait']);
    expect(waited.code).toBe(1);
    expect((await cli(['logs', 'cli_bad', '-f'])).code).toBe(1);

    const failed = await cli(['list', '--status', 'failed']);
    const lines = failed.out.trim().split('\n');
    expect(lines[0]).toMatch(/^JOB ID\s+STATUS\s+PROGRESS\s+EXIT\s+SUBMITTED\s+SCHEDULER\s+ERROR$/);
    expect(lines[1]).toMatch(/^cli_bad\s+failed\s+(\d+%\s+)?7\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ\s+none\s+solver exited with code 7$/);
    expect(lines.at(-1)).toBe('1 of 1 jobs (from 0)');
    const json = JSON.parse((await cli(['list', '--status', 'failed', '--limit', '5', '--json'])).out) as { items: Array<{ job_id: string }>; limit: number };
    expect(json).toMatchObject({ limit: 5, items: [{ job_id: 'cli_bad' }] });
    const status = JSON.parse((await cli(['status', 'cli_bad', '--json'])).out) as { exit_code: number };
    expect(status.exit_code).toBe(7);

    // Retry: a new attempt where the service has POST /jobs/{id}/retry, otherwise its 404 said plainly (exit 3).
    const retry = await cli(['retry', 'cli_bad']);
    if (retry.code === 0) expect(retry.out).toMatch(/cli_bad\s+(queued|running|failed)/);
    else expect(retry).toMatchObject({ code: 3, err: expect.stringMatching(/^hfss-job-manager: 404: /) });
  });

  it('should upload a local project with submit --upload (checksum as sent) and submit it as project_ref', async () => {
    const local = writeProject(projects, 'uploaded.aedt', { duration_ms: 100 });
    writeFileSync(join(projects, 'up.json'), JSON.stringify({ jobid: 'cli_up', project_path: 'ignored.aedt' }));
    const run = await cli(['submit', '--upload', local, 'up.json', '--wait', '--timeout', '60']);
    const sha = createHash('sha256').update(readFileSync(local)).digest('hex');
    expect(run.out).toMatch(new RegExp(`uploaded  uploaded\\.aedt as (prj_\\w+) \\(\\d+ bytes, sha256 ${sha}\\)`));
    // Where POST /jobs/submit takes project_ref the job runs; before that, the service's 400 is reported (exit 6).
    if (run.code === 0) expect(run.out).toMatch(/cli_up\s+completed/);
    else expect(run).toMatchObject({ code: 6, err: expect.stringMatching(/400: /) });
  });

  it('should give usage errors exit 2, a wait timeout exit 5, and document the exit codes in --help', async () => {
    expect((await cli(['logs'])).code).toBe(2);
    expect((await cli(['frobnicate'])).code).toBe(2);
    expect((await cli(['list', '--limit', 'many'])).code).toBe(2);
    expect((await cli(['status', '--bogus'])).code).toBe(2);
    writeProject(projects, 'slow.aedt', { duration_ms: 30_000 });
    writeFileSync(join(projects, 'slow.json'), JSON.stringify({ jobid: 'cli_slow', project_path: 'slow.aedt' }));
    expect((await cli(['submit', 'slow.json'])).code).toBe(0);
    const timedOut = await cli(['wait', 'cli_slow', '--timeout', '1']);
    expect(timedOut.code).toBe(5);
    expect(timedOut.err).toMatch(/timed out after 1 s/);
    await cli(['cancel', 'cli_slow']);
    const help = await cli(['--help']);
    expect(help.out).toMatch(
      /Exit codes: 0 ok, 1 a job ended failed\/cancelled\/timed out, 2 usage error, 3 not found,\s+4 service unreachable, 5 timed out, 6/,
    );
  });
});
