import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeWhen } from './support/required-in-ci';
import { apiClient, isAlive, waitFor } from './support/http';
import { FAKE_ANSYSEDT, makeTempDir, removeDir, startTestApp, TestApp, writeProject } from './support/test-app';

const answers = (command: string, args: string[]): boolean => {
  try {
    execFileSync(command, args, { stdio: 'pipe', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
};
const slurmIsUp = answers('sinfo', ['-h']) && /idle|mix|alloc/.test(execFileSync('sinfo', ['-h', '-o', '%t']).toString());
const gridEngineIsUp = answers('qstat', ['-xml']);

const SECRET = 'leaky-service-token-0123456789';

/**
 * Both real clusters, with a data dir and a project path containing spaces, the service's own secrets in its
 * environment, and a solver that records the environment it got: the job must run, and see only the allow-list
 * plus the operator's passthrough; the scheduler's saved copy of the job environment must not hold the token.
 */
function describeBatchEnvironment(scheduler: 'slurm' | 'grid_engine', savedEnvironment: (nativeId: string) => string | undefined): void {
  let harness: TestApp;
  let api: ReturnType<typeof apiClient>;
  let root: string;
  const saved = { ...process.env };

  beforeEach(async () => {
    root = makeTempDir(`hfss ${scheduler} env `);
    const dataDir = join(root, 'data dir');
    mkdirSync(join(dataDir, 'bin'), { recursive: true });
    // The solver as sites wrap it: records its environment, then runs the fake ansysedt.
    const solver = join(dataDir, 'bin', 'ansysedt wrapper');
    writeFileSync(solver, `#!/bin/bash\nenv > job-env.txt\nexec ${JSON.stringify(FAKE_ANSYSEDT)} "$@"\n`);
    chmodSync(solver, 0o755);
    process.env.HFSS_JM_API_TOKEN = SECRET;
    process.env.HFSS_JM_SOME_OTHER_SETTING = 'service-only';
    process.env.SITE_PROBE = 'passed through';
    process.env.NOT_LISTED_PROBE = 'must not reach the job';
    harness = await startTestApp({
      dataDir,
      env: {
        HFSS_JM_ANSYSEDT_PATH: solver,
        HFSS_JM_JOB_ENV_PASSTHROUGH: 'SITE_*',
        HFSS_JM_SCHEDULER_POLL_INTERVAL_MS: '400',
        HFSS_JM_SCHEDULER_COMMAND_TIMEOUT_MS: '20000',
      },
    });
    api = apiClient(harness.url);
  });

  afterEach(async () => {
    await harness.close();
    process.env = { ...saved };
    removeDir(root);
  });

  it('should run a job from a data dir with spaces, memory 1.5GB, with only the allow-list and the passthrough in its environment', async () => {
    const projects = join(root, 'my projects');
    mkdirSync(projects);
    const jobid = `${scheduler}_env_space`;
    const submitted = await api.submit({
      jobid,
      project_path: writeProject(projects, 'antenna v2.aedt', { duration_ms: 4000 }),
      scheduler_type: scheduler,
      scheduler_options: { time: '00:10:00', memory: '1.5GB' },
    });
    expect(submitted.status).toBe(201);
    const nativeId = submitted.body.job.native_id as string;
    const savedCopy = await waitFor(() => savedEnvironment(nativeId), 20_000, `${scheduler}'s saved environment of job ${nativeId}`);
    expect(savedCopy).not.toContain('HFSS_JM_');
    expect(savedCopy).not.toContain(SECRET);
    expect(savedCopy).not.toContain('NOT_LISTED_PROBE');
    expect(savedCopy).toContain('SITE_PROBE');

    const done = await api.waitForStatus(jobid, ['completed', 'failed', 'cancelled'], 60_000);
    expect(done).toMatchObject({ status: 'completed', exit_code: 0 });
    expect(done.log_path).toContain('/data dir/');
    expect(readFileSync(done.log_path, 'utf8')).toMatch(/Simulation completed/);
    const jobEnv = readFileSync(join(done.log_path, '..', 'job-env.txt'), 'utf8');
    expect(jobEnv).toMatch(/^SITE_PROBE=passed through$/m);
    expect(jobEnv).toMatch(/^PATH=/m);
    expect(jobEnv).not.toMatch(/HFSS_JM_|NOT_LISTED_PROBE/);
    expect(jobEnv).not.toContain(SECRET);
  });
}

describeWhen(
  slurmIsUp,
  'a running SLURM cluster',
  '.ci/run calls scripts/ci/slurm-up.sh (as root)',
)('SLURM job environment and paths (real cluster)', () => {
  const stateDir = (): string => /StateSaveLocation\s*=\s*(\S+)/.exec(execFileSync('scontrol', ['show', 'config']).toString())![1];
  describeBatchEnvironment('slurm', (id) => {
    // slurmctld keeps the environment sbatch sent next to the script while the job is known.
    const file = join(stateDir(), `hash.${Number(id) % 10}`, `job.${id}`, 'environment');
    return existsSync(file) ? readFileSync(file, 'utf8').replace(/\0/g, '\n') : undefined;
  });
});

describeWhen(
  gridEngineIsUp,
  'a running Grid Engine',
  '.ci/run calls scripts/ci/sge-up.sh (as root)',
)('Grid Engine: a qsub wrapper whose child holds the pipe', () => {
  let harness: TestApp;
  let root: string;
  const savedPath = process.env.PATH;

  afterEach(async () => {
    process.env.PATH = savedPath;
    await harness.close();
    removeDir(root);
  });

  it('should answer the POST soon after the command timeout and leave no process of the wrapper behind', async () => {
    root = makeTempDir('hfss-qsub-wrapper-');
    // A site shim in front of qsub: its child (here a sleep standing for a hung client) inherits and holds stdout.
    mkdirSync(join(root, 'bin'));
    writeFileSync(
      join(root, 'bin', 'qsub'),
      `#!/bin/bash
sleep 300 &
echo $! > ${JSON.stringify(join(root, 'child.pid'))}
wait
`,
    );
    chmodSync(join(root, 'bin', 'qsub'), 0o755);
    process.env.PATH = `${join(root, 'bin')}:${savedPath}`;
    harness = await startTestApp({
      dataDir: join(root, 'data'),
      env: { HFSS_JM_SCHEDULER_COMMAND_TIMEOUT_MS: '1500', HFSS_JM_SCHEDULER_POLL_INTERVAL_MS: '60000' },
    });
    const api = apiClient(harness.url);
    const started = Date.now();
    const submitted = await api.submit({
      jobid: 'sge_wrapped',
      project_path: writeProject(root, 'w.aedt'),
      scheduler_type: 'grid_engine',
      scheduler_options: { time: '00:10:00' },
    });
    const answeredMs = Date.now() - started;
    // Whatever the runner makes of a timed-out submission (outcome unknown), the request itself is answered in time.
    expect(submitted.status).toBeGreaterThanOrEqual(200);
    expect(answeredMs).toBeLessThan(1500 + 3_000);
    const child = Number(readFileSync(join(root, 'child.pid'), 'utf8'));
    await waitFor(() => (isAlive(child) ? undefined : true), 5_000, `the wrapper's child ${child} to be gone`);
  });
});

describeWhen(
  gridEngineIsUp,
  'a running Grid Engine',
  '.ci/run calls scripts/ci/sge-up.sh (as root)',
)('Grid Engine job environment and paths (real install)', () => {
  describeBatchEnvironment('grid_engine', (id) => {
    // `qstat -j` prints the job's env_list: what qsub sent with -v.
    try {
      const text = execFileSync('qstat', ['-j', id], { stdio: 'pipe' }).toString();
      return /^env_list:/m.test(text) ? text : undefined;
    } catch {
      return undefined;
    }
  });
});
