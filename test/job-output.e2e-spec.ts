import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { unzip } from './support/unzip';
import { apiClient } from './support/http';
import { makeTempDir, removeDir, startTestApp, TestApp, writeProject } from './support/test-app';

describe('job output: log, timeline, files, archive', () => {
  let harness: TestApp;
  let projects: string;
  let api: ReturnType<typeof apiClient>;

  beforeAll(async () => {
    harness = await startTestApp();
    projects = makeTempDir('job-output-');
    api = apiClient(harness.url);
  });
  afterAll(async () => {
    await harness.close();
    removeDir(harness.dataDir);
    removeDir(projects);
  });

  const finished = async (jobid: string, behaviour: Record<string, unknown>): Promise<any> => {
    const project = writeProject(projects, `${jobid}.aedt`, { duration_ms: 100, progress_steps: 4, spawn_child: false, ...behaviour });
    expect((await api.submit({ jobid, project_path: project })).status).toBe(201);
    return api.waitForStatus(jobid, ['completed', 'failed']);
  };

  it('should serve the solver log whole, as its last lines, and by byte ranges with the next offset', async () => {
    const job = await finished('log_1', { exit_code: 7 });
    expect(job.status).toBe('failed');
    const whole = await fetch(`${harness.url}/jobs/log_1/log`);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await whole.text();
    expect(text).toContain('Simulation failed with exit code 7');
    const size = Buffer.byteLength(text);
    expect(whole.headers.get('x-log-size')).toBe(String(size));

    const tail = await (await fetch(`${harness.url}/jobs/log_1/log?tail=2`)).text();
    const lines = text.trimEnd().split('\n');
    expect(tail).toBe(`${lines.slice(-2).join('\n')}\n`);

    const first = await fetch(`${harness.url}/jobs/log_1/log?offset=0&limit=10`);
    expect(await first.text()).toBe(text.slice(0, 10));
    expect(first.headers.get('x-next-offset')).toBe('10');
    const rest = await fetch(`${harness.url}/jobs/log_1/log?offset=10`);
    expect(await rest.text()).toBe(text.slice(10));
    expect(rest.headers.get('x-next-offset')).toBe(String(size));

    const ranged = await fetch(`${harness.url}/jobs/log_1/log`, { headers: { range: 'bytes=-6' } });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get('content-range')).toBe(`bytes ${size - 6}-${size - 1}/${size}`);
    expect(await ranged.text()).toBe(text.slice(-6));
    const beyond = await fetch(`${harness.url}/jobs/log_1/log`, { headers: { range: `bytes=${size + 5}-` } });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-range')).toBe(`bytes */${size}`);
  });

  it('should answer clear errors for unknown jobs and bad log queries', async () => {
    expect((await api.get('/jobs/nope/log')).status).toBe(404);
    const bad = await api.get('/jobs/log_1/log?tail=0');
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ success: false, code: 'VALIDATION_FAILED' });
    expect((await api.get('/jobs/log_1/log?source=elsewhere')).status).toBe(400);
  });

  it('should give the job timeline from the event log, oldest first', async () => {
    const { status, body } = await api.get('/jobs/log_1/events');
    expect(status).toBe(200);
    const statuses = body.items.map((event: any) => event.status);
    expect(statuses[0]).toBe('queued');
    expect(statuses).toContain('running');
    expect(statuses.at(-1)).toBe('failed');
    expect(body.items.every((event: any, i: number) => i === 0 || event.seq > body.items[i - 1].seq)).toBe(true);
    expect(Date.parse(body.items[0].at)).toBeGreaterThan(0);
    const after = await api.get(`/jobs/log_1/events?after=${body.items[0].seq}&limit=1`);
    expect(after.body.items).toHaveLength(1);
    expect(after.body.items[0].seq).toBe(body.items[1].seq);
  });

  it('should list, download and zip what the job produced, and nothing outside its folders', async () => {
    const outside = makeTempDir('job-output-outside-');
    writeFileSync(join(outside, 'secret.txt'), 'not yours');
    try {
      await finished('files_1', { results_files: { 'HFSSDesign1/Setup1.sol': 'S11 -12.5 dB', 'profile.txt': 'elapsed 1 s' } });
      const results = join(projects, 'files_1.aedtresults');
      symlinkSync(join(outside, 'secret.txt'), join(results, 'escape.txt'));
      symlinkSync(outside, join(results, 'escape-dir'));
      mkdirSync(join(results, 'empty'));

      const { status, body } = await api.get('/jobs/files_1/files');
      expect(status).toBe(200);
      const listed = body.items.map((file: any) => `${file.root}/${file.path}`);
      expect(listed).toEqual(expect.arrayContaining(['work/solver.log', 'results/HFSSDesign1/Setup1.sol', 'results/profile.txt']));
      expect(listed.some((name: string) => name.includes('escape') || name.includes('secret'))).toBe(false);
      expect(body.items.find((file: any) => file.path === 'profile.txt').size).toBe('elapsed 1 s'.length);

      const download = await fetch(`${harness.url}/jobs/files_1/files/results/HFSSDesign1/Setup1.sol`);
      expect(download.status).toBe(200);
      expect(await download.text()).toBe('S11 -12.5 dB');
      expect(download.headers.get('content-disposition')).toContain('Setup1.sol');

      for (const path of [
        'results/escape.txt',
        'results/escape-dir/secret.txt',
        'results/..%2F..%2Fetc%2Fpasswd',
        'results/%2E%2E/files_1.aedt',
        'other/x',
        'results/missing.txt',
      ]) {
        const refused = await api.get(`/jobs/files_1/files/${path}`);
        expect([400, 404]).toContain(refused.status);
        expect(refused.body).toMatchObject({ success: false });
      }

      const archive = await fetch(`${harness.url}/jobs/files_1/archive`);
      expect(archive.status).toBe(200);
      expect(archive.headers.get('content-type')).toBe('application/zip');
      const entries = await unzip(Buffer.from(await archive.arrayBuffer()));
      expect(entries.get('results/HFSSDesign1/Setup1.sol')).toBe('S11 -12.5 dB');
      expect(entries.get('results/profile.txt')).toBe('elapsed 1 s');
      expect(entries.get('work/solver.log')).toContain('Simulation completed');
      expect([...entries.keys()].some((name) => name.includes('secret') || name.includes('escape'))).toBe(false);
    } finally {
      removeDir(outside);
    }
  });
});
