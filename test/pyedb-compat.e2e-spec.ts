import { execFileSync, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { useFakeScheduler } from './support/fake-scheduler';
import { apiClient } from './support/http';
import { pyedbBody } from './support/pyedb-fixtures';
import { describeWhen } from './support/required-in-ci';
import { makeTempDir, removeDir, startTestApp, TestApp, writeProject } from './support/test-app';

const CLI = resolve(__dirname, '../dist/cli/main.js');

/** Python's datetime.isoformat() with microseconds and an explicit UTC offset. */
const PYTHON_ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$/;

describe('PyEDB clients against the service (bodies produced by PyEDB\'s own models)', () => {
  let harness: TestApp;
  let api: ReturnType<typeof apiClient>;
  let projects: string;

  const boot = async (env: Record<string, string> = {}): Promise<void> => {
    harness = await startTestApp({ env: { HFSS_JM_SCHEDULER_POLL_INTERVAL_MS: '300', ...env } });
    api = apiClient(harness.url);
  };
  const pyedbJobs = async (): Promise<Array<Record<string, any>>> => {
    const { status, body } = await api.get('/api/jobs');
    expect(status).toBe(200);
    return body;
  };

  beforeEach(() => {
    projects = makeTempDir('hfss-pyedb-projects-');
  });

  afterEach(async () => {
    await harness.close();
    [harness.dataDir, projects].forEach(removeDir);
  });

  describe('local runs', () => {
    beforeEach(() => boot());

    it.each([
      ['submit_local_job.json', 0],
      ['submit_job_on_scheduler.json', 0],
      ['submit_job_to_manager.json', 3],
      ['saved_model_dump_user.json', 0],
    ])('should accept %s exactly as PyEDB sends it and run it to completion', async (name, priority) => {
      const { body, config } = pyedbBody(name, projects);
      const submitted = await api.submit(body);
      expect(submitted.status).toBe(201);
      expect(submitted.body).toMatchObject({ success: true, job_id: config.jobid, message: `Job ${config.jobid} submitted successfully`, duplicate: false });
      expect(submitted.body.job).toMatchObject({ scheduler_type: 'none', priority });

      const done = await api.get(`/jobs/${config.jobid}/wait?timeout=30`);
      expect(done.body).toMatchObject({ status: 'completed', exit_code: 0, user: config.user ?? null });

      const [listed] = (await pyedbJobs()).filter((job) => job.id === config.jobid);
      expect(listed).toMatchObject({ status: 'completed', return_code: 0, scheduler_job_id: null, priority });
      expect(listed.start_time).toMatch(PYTHON_ISO);
      expect(listed.end_time).toMatch(PYTHON_ISO);
      expect(listed.config).toMatchObject({ jobid: config.jobid, project_path: config.project_path, platform: 'Linux', version: '1.0.0' });
    });

    it("should keep the user as the job's owner and pass PyEDB's MPI vendor spelling to ansysedt", async () => {
      const { body } = pyedbBody('saved_model_dump_user.json', projects);
      const { body: answer } = await api.submit(body);
      expect(answer.job.user).toBe('alice');
      expect(answer.job.config.user).toBe('alice');
      expect(answer.job.command.join(' ')).toContain("'HFSS 3D Layout Design/MPIVendor'='Microsoft'");
      expect(answer.job.command.join(' ')).toContain("'HFSS 3D Layout Design/DefaultProcessPriority'='Low'");
    });

    it('should answer a re-posted to_dict() file, whose timestamp changed, as the same job without running it again', async () => {
      const { body, config } = pyedbBody('submit_job_to_manager.json', projects);
      expect((await api.submit(body)).status).toBe(201);
      await api.get(`/jobs/${config.jobid}/wait?timeout=30`);
      config.timestamp = '2031-01-01T00:00:00.000001';
      const again = await api.submit(body);
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ success: true, job_id: config.jobid, duplicate: true });
      expect(again.body.job.status).toBe('completed');
    });

    it('should report a timed-out job as failed on /api/jobs, so PyEDB wait loops end', async () => {
      const jobid = 'pyedb_timeout';
      await api.submit({ jobid, project_path: writeProject(projects, 'slow.aedt', { duration_ms: 20_000 }), timeout: 1 });
      expect((await api.get(`/jobs/${jobid}/wait?timeout=30`)).body.status).toBe('timed_out');
      expect((await pyedbJobs()).find((job) => job.id === jobid)).toMatchObject({ status: 'failed' });
    });

    it('should reject what PyEDB would not send: unknown wrapper keys and unknown config fields', async () => {
      const { body } = pyedbBody('submit_local_job.json', projects);
      const extra = await api.submit({ ...body, command: 'rm -rf /' });
      expect(extra.status).toBe(400);
      expect(extra.body).toMatchObject({ success: false, code: 'VALIDATION_FAILED', error: 'property command should not exist' });
      body.config.pre_script = 'x';
      expect((await api.submit(body)).status).toBe(400);
    });
  });

  describe('HFSS_JM_DEFAULT_SCHEDULER and HFSS_JM_OVERRIDE_SCHEDULER_NONE', () => {
    useFakeScheduler('pbs', ['qsub', 'qstat', 'qdel', 'qselect']);

    it("should send PyEDB's scheduler_type \"none\" to the operator's scheduler and run it there to completion", async () => {
      await boot({ HFSS_JM_DEFAULT_SCHEDULER: 'pbs', HFSS_JM_OVERRIDE_SCHEDULER_NONE: 'true' });
      const { body, config } = pyedbBody('submit_job_on_scheduler.json', projects);
      const submitted = await api.submit(body);
      expect(submitted.status).toBe(201);
      expect(submitted.body.job.scheduler_type).toBe('pbs');
      const done = await api.waitForStatus(config.jobid, ['completed', 'failed'], 30_000);
      expect(done).toMatchObject({ status: 'completed', exit_code: 0 });
      const listed = (await pyedbJobs()).find((job) => job.id === config.jobid)!;
      expect(listed.scheduler_job_id).toBe(done.native_id);
      expect(listed.scheduler_job_id).toBeTruthy();
    });

    it('should give only submissions without scheduler_type the default scheduler when none is not overridden', async () => {
      await boot({ HFSS_JM_DEFAULT_SCHEDULER: 'pbs' });
      const local = await api.submit({ project_path: writeProject(projects, 'a.aedt'), scheduler_type: 'none' });
      expect(local.body.job.scheduler_type).toBe('none');
      const unnamed = await api.submit({ project_path: writeProject(projects, 'b.aedt') });
      expect(unnamed.body.job.scheduler_type).toBe('pbs');
    });
  });
});

function slurmIsUp(): boolean {
  try {
    return /idle|mix|alloc/.test(execFileSync('sinfo', ['-h', '-o', '%t']).toString());
  } catch {
    return false;
  }
}

describeWhen(slurmIsUp(), 'a running SLURM cluster', '.ci/run calls scripts/ci/slurm-up.sh (as root)')('A PyEDB SLURM config saved with to_dict() on a real SLURM cluster', () => {
  it('should run to completion', async () => {
    const harness = await startTestApp({ env: { HFSS_JM_SCHEDULER_POLL_INTERVAL_MS: '400', HFSS_JM_SCHEDULER_COMMAND_TIMEOUT_MS: '20000' } });
    const projects = makeTempDir('hfss-pyedb-slurm-');
    try {
      const api = apiClient(harness.url);
      const { body, config } = pyedbBody('saved_to_dict_slurm.json', projects);
      // The single-node CI cluster has one node and no accounts: keep what PyEDB sent except what it cannot grant.
      Object.assign(config.scheduler_options, { nodes: 1, account: null, memory: null });
      const submitted = await api.submit(body);
      expect(submitted.status).toBe(201);
      expect(submitted.body.job.scheduler_type).toBe('slurm');
      expect(submitted.body.job.command.join(' ')).toContain("'HFSS 3D Layout Design/MPIVendor'='Open MPI'");
      const done = await api.waitForStatus(config.jobid, ['completed', 'failed'], 45_000);
      expect(done).toMatchObject({ status: 'completed', exit_code: 0 });
    } finally {
      await harness.close();
      [harness.dataDir, projects].forEach(removeDir);
    }
  });
});

/** Asynchronously: the service under test lives in this process and must keep answering. */
function runCli(cwd: string, ...args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolveRun) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('close', (code) => resolveRun({ code, out, err }));
  });
}

describe('hfss-job-manager submit with configs saved from PyEDB', () => {
  it('should submit model_dump(), to_dict() and wrapped files and wait for them', async () => {
    const harness = await startTestApp();
    const projects = makeTempDir('hfss-pyedb-cli-');
    try {
      const files = ['saved_model_dump_user.json', 'submit_job_to_manager.json', 'submit_local_job.json'].map((name) => {
        const { body, config } = pyedbBody(name, projects);
        config.project_path = basename(config.project_path); // relative: the CLI resolves it against its cwd
        writeFileSync(join(projects, `cli-${name}`), JSON.stringify(body));
        return `cli-${name}`;
      });
      for (const file of files) {
        const run = await runCli(projects, 'submit', file, '--wait', '--timeout', '60', '--url', harness.url);
        expect(run.err).toBe('');
        expect(run.out).toMatch(/^submitted /);
        expect(run.out).toMatch(/completed\s+100% exit=0/);
        expect(run.code).toBe(0);
      }
    } finally {
      await harness.close();
      [harness.dataDir, projects].forEach(removeDir);
    }
  });
});
