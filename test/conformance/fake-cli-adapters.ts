import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pbsJobName } from '../../src/scheduler/backends/pbs/pbs-script.renderer';
import { hpcJobName } from '../../src/scheduler/backends/windows-hpc/windows-hpc-submission.renderer';
import { makeTempDir, removeDir } from '../support/test-app';
import { ConformanceAdapter } from './conformance-adapter';

const FAKES = resolve(__dirname, '../fakes');
/** Fast polls and a command timeout well below the fakes' hang, so a hung scheduler is seen as one. */
const FAKE_ENV = { HFSS_JM_SCHEDULER_POLL_INTERVAL_MS: '250', HFSS_JM_SCHEDULER_MAX_BACKOFF_MS: '1000', HFSS_JM_SCHEDULER_COMMAND_TIMEOUT_MS: '2500' };
const HANG_MS = 6000;
const HOLD_MS = 30_000;
/** How long a requeued job stays pending: wide enough for a poll on a loaded 2-core machine to see it. */
const REQUEUE_PENDING_MS = 8000;

/** PATH and state dir of one fake CLI for the duration of a test. */
function fakeOnPath(name: string, stateVariable: string): { state: () => string; setUp: () => void; tearDown: () => void } {
  let state = '';
  let savedPath: string | undefined;
  return {
    state: () => state,
    setUp: () => {
      savedPath = process.env.PATH;
      process.env.PATH = `${join(FAKES, name, 'bin')}:${savedPath}`;
      state = makeTempDir(`conformance-${name}-`);
      process.env[stateVariable] = state;
    },
    tearDown: () => {
      process.env.PATH = savedPath;
      delete process.env[stateVariable];
      removeDir(state);
    },
  };
}

/** PBS and HPC Pack: the shared fake core, steered by control.json. */
function coreAdapter(
  name: 'pbs' | 'windows-hpc',
  schedulerType: string,
  nativeName: (jobId: string) => string,
  requeue: (nativeId: string) => [string, string[]],
): ConformanceAdapter {
  const fake = fakeOnPath(name, 'FAKE_SCHEDULER_STATE_DIR');
  const control = (settings: Record<string, unknown>) =>
    writeFileSync(join(fake.state(), 'control.json'), JSON.stringify({ requeue_pending_ms: REQUEUE_PENDING_MS, ...settings }));
  const jobs = () =>
    readdirSync(fake.state())
      .filter((file) => /^job-\d+\.json$/.test(file))
      .map((file) => JSON.parse(readFileSync(join(fake.state(), file), 'utf8')) as { id: number; name: string; server?: string });
  return {
    name: `fake ${name} CLI`,
    schedulerType,
    env: FAKE_ENV,
    patienceMs: 15_000,
    afterEach: fake.tearDown,
    beforeEach: () => {
      fake.setUp();
      control({});
    },
    down: async () => control({ down: true }),
    hang: async () => control({ hung_ms: HANG_MS }),
    holdJobs: async () => control({ pending_ms: HOLD_MS }),
    // Held jobs are only ever cancelled while pending (their runner gives up after HOLD_MS): nothing to release.
    restore: async () => control({}),
    requeue: async (nativeId) => {
      const [command, args] = requeue(nativeId);
      execFileSync(command, args, { env: process.env });
    },
    jobsNamed: async (jobId) =>
      jobs()
        .filter((job) => job.name === nativeName(jobId))
        .map((job) => (job.server ? `${job.id}.${job.server}` : String(job.id))),
  };
}

export const pbsAdapter = (): ConformanceAdapter => coreAdapter('pbs', 'pbs', pbsJobName, (id) => [join(FAKES, 'pbs/bin/qrerun'), [id]]);
export const windowsHpcAdapter = (): ConformanceAdapter =>
  coreAdapter('windows-hpc', 'windows_hpc', hpcJobName, (id) => [join(FAKES, 'windows-hpc/bin/job'), ['requeue', id]]);

/** LSF: its own fake (test/fakes/lsf), steered by FAKE_LSF_* variables. */
export function lsfAdapter(): ConformanceAdapter {
  const fake = fakeOnPath('lsf', 'FAKE_LSF_STATE_DIR');
  const knobs = ['FAKE_LSF_DOWN', 'FAKE_LSF_DELAY_MS', 'FAKE_LSF_DELAY_AFTER', 'FAKE_LSF_PENDING_MS'];
  const clear = () => {
    knobs.forEach((knob) => delete process.env[knob]);
    process.env.FAKE_LSF_REQUEUE_PENDING_MS = String(REQUEUE_PENDING_MS);
  };
  const jobsDir = () => join(fake.state(), 'jobs');
  const jobs = () =>
    readdirSync(jobsDir())
      .filter((file) => /^\d+\.json$/.test(file))
      .map((file) => JSON.parse(readFileSync(join(jobsDir(), file), 'utf8')) as { id: number; name: string });
  return {
    name: 'fake LSF CLI',
    schedulerType: 'lsf',
    env: FAKE_ENV,
    patienceMs: 15_000,
    beforeEach: () => {
      fake.setUp();
      clear();
    },
    afterEach: () => {
      clear();
      delete process.env.FAKE_LSF_REQUEUE_PENDING_MS;
      fake.tearDown();
    },
    down: async () => {
      process.env.FAKE_LSF_DOWN = '1';
    },
    hang: async () => {
      Object.assign(process.env, { FAKE_LSF_DELAY_MS: String(HANG_MS), FAKE_LSF_DELAY_AFTER: '1' });
    },
    holdJobs: async () => {
      process.env.FAKE_LSF_PENDING_MS = String(HOLD_MS);
    },
    restore: async () => clear(),
    requeue: async (nativeId) => {
      execFileSync(join(FAKES, 'lsf/bin/brequeue'), [nativeId], { env: process.env });
    },
    jobsNamed: async (jobId) =>
      jobs()
        .filter((job) => job.name === jobId)
        .map((job) => String(job.id)),
  };
}
