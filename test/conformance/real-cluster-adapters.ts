import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gridEngineJobName } from '../../src/scheduler/backends/grid-engine/grid-engine-script.renderer';
import { parseQstatXml } from '../../src/scheduler/backends/grid-engine/qstat-output.parser';
import { slurmRequeueReleasableAt } from '../support/cluster-faults';
import { ConformanceAdapter } from './conformance-adapter';

/**
 * The real single-node SLURM and Grid Engine that scripts/ci/slurm-up.sh and sge-up.sh provision, with faults
 * injected on their controllers. Shared with other suites: run these tests under `flock /tmp/hfss-cluster.lock`;
 * restore() always brings the daemon back (SIGCONT, then the idempotent *-up.sh) before the next test.
 */
const SCRIPTS = resolve(__dirname, '../../scripts/ci');
const SLURMCTLD_PID = process.env.SLURM_LAB_DIR ? `${process.env.SLURM_LAB_DIR}/run/slurmctld.pid` : '/var/lib/hfss-jm-slurm/run/slurmctld.pid';
const QMASTER_PID = '/var/spool/gridengine/qmaster/qmaster.pid';
const ACCOUNTING = process.env.HFSS_JM_SGE_ACCOUNTING_FILE ?? '/var/lib/gridengine/default/common/accounting';

/** Async, so the app under test (same process) keeps serving and polling while a daemon restarts. */
const run = async (command: string, args: string[], timeoutMs = 120_000): Promise<string> =>
  (await promisify(execFile)(command, args, { encoding: 'utf8', timeout: timeoutMs })).stdout;
const pidIn = (file: string): number => Number(readFileSync(file, 'utf8').trim());

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !/^\S+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** SIGTERM the daemon and wait until it is gone (a stopped controller refuses connections). */
async function stopDaemon(pidFile: string): Promise<void> {
  const pid = pidIn(pidFile);
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 30_000;
  while (alive(pid)) {
    if (Date.now() > deadline) throw new Error(`pid ${pid} (${pidFile}) ignored SIGTERM for 30 s`);
    await new Promise((done) => setTimeout(done, 100));
  }
}

/** SIGCONT whatever we stopped, then the idempotent bring-up script (restarts a daemon we killed). */
async function restoreDaemon(pidFile: string, upScript: string, stoppedPid: { pid?: number }): Promise<void> {
  if (stoppedPid.pid) {
    try {
      process.kill(stoppedPid.pid, 'SIGCONT');
    } catch {
      // gone
    }
    stoppedPid.pid = undefined;
  }
  await run('bash', [resolve(SCRIPTS, upScript)], 180_000);
  if (!alive(pidIn(pidFile))) throw new Error(`${upScript} did not bring the daemon back`);
}

export function slurmAdapter(): ConformanceAdapter {
  const stopped: { pid?: number } = {};
  let held = false;
  /** Date.now() once `scontrol requeue` had returned, per native id. */
  const requeuedAt = new Map<string, number>();
  return {
    name: 'real SLURM 22.05',
    schedulerType: 'slurm',
    // sbatch's own MessageTimeout (10 s) beats this command timeout: a hung slurmctld is seen through sbatch's message.
    env: { HFSS_JM_SCHEDULER_POLL_INTERVAL_MS: '500', HFSS_JM_SCHEDULER_MAX_BACKOFF_MS: '2000', HFSS_JM_SCHEDULER_COMMAND_TIMEOUT_MS: '25000' },
    options: { time: '00:10:00' },
    patienceMs: 90_000,
    down: async () => stopDaemon(SLURMCTLD_PID),
    hang: async () => {
      stopped.pid = pidIn(SLURMCTLD_PID);
      process.kill(stopped.pid, 'SIGSTOP');
    },
    holdJobs: async () => {
      held = true;
      await run('scontrol', ['update', 'PartitionName=debug', 'State=DOWN']);
    },
    restore: async () => {
      await restoreDaemon(SLURMCTLD_PID, 'slurm-up.sh', stopped);
      if (held) await run('scontrol', ['update', 'PartitionName=debug', 'State=UP']);
      held = false;
    },
    requeue: async (nativeId) => {
      await run('scontrol', ['requeue', nativeId]);
      requeuedAt.set(nativeId, Date.now());
    },
    // SLURM holds a requeued batch job for CredExpire + 1 s (121 s) as BeginTime: let it start now, as an operator
    // would. The begin time is set once the requeue has gone through (PENDING/BeginTime), so wait for that first;
    // and never release it in the second of the requeue, whose kill revoked every credential of that second (a
    // launch then fails for good: see slurmRequeueReleasableAt).
    releaseRequeued: async (nativeId) => {
      const deadline = Date.now() + 60_000;
      const releasableAt = slurmRequeueReleasableAt(requeuedAt.get(nativeId) ?? Date.now());
      while (Date.now() < deadline) {
        const [state, reason] = (await run('squeue', ['-h', '-j', nativeId, '-o', '%T|%r'])).trim().split('|');
        if (state === 'RUNNING') return;
        if (state === 'PENDING' && reason === 'BeginTime' && Date.now() >= releasableAt) {
          await run('scontrol', ['update', `JobId=${nativeId}`, 'StartTime=now']);
          return;
        }
        await new Promise((done) => setTimeout(done, 250));
      }
      throw new Error(`requeued job ${nativeId} never showed PENDING (BeginTime)`);
    },
    jobsNamed: async (jobId) =>
      (await run('squeue', ['-h', '-t', 'all', '-n', jobId, '-o', '%i']))
        .split('\n')
        .map((line) => line.trim())
        .filter(Boolean),
  };
}

export function gridEngineAdapter(): ConformanceAdapter {
  const stopped: { pid?: number } = {};
  let held = false;
  return {
    name: 'real Grid Engine 8.1.9',
    schedulerType: 'grid_engine',
    // qsub against a SIGSTOPped qmaster waits forever: only this timeout ends it.
    env: { HFSS_JM_SCHEDULER_POLL_INTERVAL_MS: '500', HFSS_JM_SCHEDULER_MAX_BACKOFF_MS: '2000', HFSS_JM_SCHEDULER_COMMAND_TIMEOUT_MS: '6000' },
    patienceMs: 90_000,
    // Measured here: a job rescheduled with qmod -f -rj (state Rq) was dispatched again ~100 s later.
    requeueRerunWithinMs: 200_000,
    down: async () => stopDaemon(QMASTER_PID),
    hang: async () => {
      stopped.pid = pidIn(QMASTER_PID);
      process.kill(stopped.pid, 'SIGSTOP');
    },
    holdJobs: async () => {
      held = true;
      await run('qmod', ['-d', '*']);
    },
    restore: async () => {
      await restoreDaemon(QMASTER_PID, 'sge-up.sh', stopped);
      if (held) await run('qmod', ['-e', '*']);
      held = false;
    },
    // Jobs are submitted with `-r n`; -f forces the reschedule anyway (as an operator would after a host failure).
    requeue: async (nativeId) => {
      await run('qmod', ['-f', '-rj', nativeId]);
    },
    // qstat forgets a job as soon as it ends: add the accounting file's records (flushed at once by sge-up.sh).
    jobsNamed: async (jobId) => {
      const name = gridEngineJobName(jobId);
      const live = [...parseQstatXml(await run('qstat', ['-xml']))].filter(([, job]) => job.name === name).map(([id]) => id);
      const accounted = readFileSync(ACCOUNTING, 'utf8')
        .split('\n')
        .map((line) => line.split(':'))
        .filter((fields) => fields[4] === name)
        .map((fields) => fields[5]);
      return [...new Set([...live, ...accounted])];
    },
  };
}
